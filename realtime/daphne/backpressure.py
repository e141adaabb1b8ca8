"""
How much output is queued for a socket, so a client that stops reading can be let go.

ASGI gives an application no view of the socket. Under daphne, ``send`` is
``functools.partial(server.handle_reply, protocol)`` and ``protocol.transport`` is Twisted's
TCP transport, whose write buffer is ``dataBuffer[offset:]`` plus ``_tempDataBuffer``. Where
that shape is not found (another server, the test communicator), nothing is measured and the
connection is never judged slow.
"""

import functools
from typing import Any


def protocol_of(send: Any) -> Any | None:
    """daphne's protocol object behind an ASGI ``send``, or None under another server."""
    if not isinstance(send, functools.partial) or not send.args:
        return None
    return send.args[0]


def transport_of(send: Any) -> Any | None:
    transport = getattr(protocol_of(send), "transport", None)
    if transport is None or not hasattr(transport, "_tempDataLen"):
        return None
    return transport


def queued_bytes(transport: Any) -> int:
    return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
