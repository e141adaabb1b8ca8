"""
Stream history: every broadcast gets a position (epoch, offset) in its stream and is kept for a
while, so a client that reconnects can ask for exactly what it missed.

The epoch names the history store's lifetime: when history is lost (a Redis flush, an
in-process store restarting) the epoch changes and old positions are refused, so the client
knows to refetch instead of silently missing messages.
"""
