"""
Domain changes become the documented WebSocket events.

One straight path: a model change (or a domain signal) → ``catalogue`` decides which events it
means → after the transaction commits, ``payloads`` builds each event's data once →
``recipients`` names the streams → ``realtime.delivery.broadcast`` sends one encoded message
per stream.
"""
