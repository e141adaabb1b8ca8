"""
The load generator's WebSocket client side of RFC 6455, reduced to what a subscriber needs.

The generator shares the machine with the server it measures, so every microsecond it spends
per frame is taken from the server and shows up as latency. ``websockets`` (used for every
other client in this project) cost ~25 µs of CPU per received frame through its Sans-I/O
parser and ~0.7 ms per handshake; at 5,000 sockets the generator then needed as much CPU as
the server. This is the same protocol without validation the benchmark does not need: one
handshake request (the accept key is still checked), frames parsed from one buffer, text
payloads handed over as bytes, pings answered, masks on everything sent.
"""

import base64
import hashlib
import os
from collections.abc import Iterator

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


class HandshakeFailed(ConnectionError):
    pass


def handshake_request(host: str, port: int, path: str, subprotocol: str) -> tuple[bytes, bytes]:
    """The upgrade request and the ``Sec-WebSocket-Accept`` value a server must answer."""
    key = base64.b64encode(os.urandom(16))
    request = (
        f"GET {path} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key.decode()}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: {subprotocol}\r\n"
        "\r\n"
    ).encode()
    return request, base64.b64encode(hashlib.sha1(key + GUID).digest())


def check_handshake_response(head: bytes, accept: bytes) -> None:
    """Raise HandshakeFailed unless ``head`` (up to the blank line) accepts the upgrade."""
    status, _, rest = head.partition(b"\r\n")
    if not status.startswith(b"HTTP/1.1 101"):
        raise HandshakeFailed(status.decode("latin-1"))
    headers = {}
    for line in rest.split(b"\r\n"):
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if headers.get(b"sec-websocket-accept") != accept:
        raise HandshakeFailed("wrong Sec-WebSocket-Accept")


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask, RFC 6455 §5.3)."""
    length = len(payload)
    if length < 126:
        header = bytes((0x80 | opcode, 0x80 | length))
    elif length < 1 << 16:
        header = bytes((0x80 | opcode, 0x80 | 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + length.to_bytes(8, "big")
    mask = os.urandom(4)
    # XOR the payload with the repeated mask as one big integer: no per-byte Python loop.
    repeated = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        length, "big"
    )
    return header + mask + masked


class FrameReader:
    """Server frames from a byte stream: ``feed(data)`` yields (opcode, payload) per message."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._fragments: list[bytes] = []
        self._fragment_opcode = 0

    def feed(self, data: bytes) -> Iterator[tuple[int, bytes]]:
        buffer = self._buffer
        buffer += data
        start = 0
        end = len(buffer)
        while end - start >= 2:
            first, second = buffer[start], buffer[start + 1]
            if second & 0x80:
                raise ConnectionError("the server masked a frame")
            length = second & 0x7F
            header = 2
            if length == 126:
                if end - start < 4:
                    break
                length = int.from_bytes(buffer[start + 2 : start + 4], "big")
                header = 4
            elif length == 127:
                if end - start < 10:
                    break
                length = int.from_bytes(buffer[start + 2 : start + 10], "big")
                header = 10
            if end - start < header + length:
                break
            payload = bytes(buffer[start + header : start + header + length])
            start += header + length
            opcode, fin = first & 0x0F, first & 0x80
            if opcode == CONTINUATION or not fin:
                if opcode != CONTINUATION:
                    self._fragment_opcode = opcode
                self._fragments.append(payload)
                if not fin:
                    continue
                opcode, payload = self._fragment_opcode, b"".join(self._fragments)
                self._fragments = []
            yield opcode, payload
        del buffer[:start]
