"""The channel-layer messages between publishers and every process's hub.

``cable.broadcast``: ``{stream, payload, exclude?, only?, epoch?, offset?}``, the payload
encoded once by the publisher; ``cable.control``: ``{stream, …}`` for the channels' own
``control`` handlers; ``cable.probe``: a readiness check's message to one hub's own reader.
"""

BROADCAST = "cable.broadcast"
CONTROL = "cable.control"
PROBE = "cable.probe"
