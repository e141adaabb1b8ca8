"""
realtime: an ActionCable-compatible cable server for Django Channels.

Owns the protocol, the connection lifecycle, the channel registry, streams and delivery. It knows
nothing of any domain: a project registers its channel classes in ``settings.REALTIME``.
"""
