"""
Writing text frames straight to the socket under daphne: the broadcast hot path.

A frame sent through ASGI's ``send`` passes daphne's reply routing (dictionary lookups keyed by
a Python-level ``__hash__``), its message checks, then autobahn's ``sendMessage`` and
``sendFrame`` (state checks, UTF-8 encoding, header building, debug-log calls): profiled on a
5,000-socket broadcast, well over half of the server's CPU. A server-to-client text frame is a
2-, 4- or 10-byte header and the unmasked payload (RFC 6455 §5.2), so the hub builds it once
per subscription and writes it to the connection's TCP transport itself.

It writes only while autobahn says the connection is open, whole frames at a time, on the event
loop thread like every other write on that transport, so frames never interleave and keep
their order with autobahn's own (pings, close). Where the expected shape is not found (another
ASGI server, the test communicator, a closing socket), ``write`` returns False and the caller
uses ``send``. Frames have no per-message compression (daphne does not offer it); larger than
``MAX_BROADCAST_BYTES`` never reach here (refused when published).
"""

from typing import Any

from realtime.daphne.backpressure import protocol_of

_OPEN_STATE = "STATE_OPEN"


def text_frame_header(length: int) -> bytes:
    """FIN + text opcode, and the payload length in the shortest form allowed."""
    if length < 126:
        return bytes((0x81, length))
    if length < 1 << 16:
        return b"\x81\x7e" + length.to_bytes(2, "big")
    return b"\x81\x7f" + length.to_bytes(8, "big")


class FrameWriter:
    __slots__ = ("_open", "_protocol", "_transport")

    def __init__(self, protocol: Any, transport: Any) -> None:
        self._protocol = protocol
        self._transport = transport
        self._open = getattr(protocol, _OPEN_STATE)

    @classmethod
    def of(cls, send: Any) -> "FrameWriter | None":
        """A writer for daphne's ``send`` (``partial(server.handle_reply, protocol)``)."""
        protocol = protocol_of(send)
        transport = getattr(protocol, "transport", None)
        if (
            transport is None
            or not hasattr(protocol, _OPEN_STATE)
            or not hasattr(protocol, "state")
            or not hasattr(transport, "write")
            or not hasattr(transport, "disconnecting")
        ):
            return None
        return cls(protocol, transport)

    def write(self, *parts: bytes) -> bool:
        """Send one text frame whose payload is ``parts`` joined; False if not sent."""
        transport = self._transport
        if self._protocol.state != self._open or transport.disconnecting:
            return False
        length = 0
        for part in parts:
            length += len(part)
        transport.write(b"".join((text_frame_header(length), *parts)))
        return True
