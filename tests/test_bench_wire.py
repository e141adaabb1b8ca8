"""The load generator's lean WebSocket client side (realtime/loadgen/wire.py)."""

import base64
import hashlib

import pytest

from realtime.daphne.frame_writer import text_frame_header
from realtime.loadgen import wire


def server_frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    header = bytearray(text_frame_header(len(payload)))
    header[0] = (0x80 if fin else 0) | opcode
    return bytes(header) + payload


def unmask(frame: bytes) -> tuple[int, bytes]:
    length, offset = frame[1] & 0x7F, 2
    if length == 126:
        length, offset = int.from_bytes(frame[2:4], "big"), 4
    elif length == 127:
        length, offset = int.from_bytes(frame[2:10], "big"), 10
    assert frame[1] & 0x80, "client frames must be masked"
    mask, body = frame[offset : offset + 4], frame[offset + 4 :]
    assert len(body) == length
    return frame[0] & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(body))


@pytest.mark.parametrize("size", [0, 5, 125, 126, 65535, 65536, 200_000])
def test_frames_of_every_length_form_arrive_whole_however_the_bytes_are_split(size):
    payload = bytes(i % 251 for i in range(size))
    stream = server_frame(wire.TEXT, payload) + server_frame(wire.PING, b"p")
    reader = wire.FrameReader()
    got = []
    for start in range(0, len(stream), 7000):  # arbitrary TCP segmentation
        got.extend(reader.feed(stream[start : start + 7000]))
    assert got == [(wire.TEXT, payload), (wire.PING, b"p")]


def test_a_fragmented_message_is_joined_around_an_interleaved_ping():
    reader = wire.FrameReader()
    data = (
        server_frame(wire.TEXT, b"hel", fin=False)
        + server_frame(wire.PING, b"!")
        + server_frame(wire.CONTINUATION, b"lo", fin=True)
    )
    assert list(reader.feed(data)) == [(wire.PING, b"!"), (wire.TEXT, b"hello")]


def test_a_masked_server_frame_is_a_protocol_error():
    with pytest.raises(ConnectionError):
        list(wire.FrameReader().feed(b"\x81\x81abcd\x00"))


@pytest.mark.parametrize("size", [3, 300, 70_000])
def test_client_frames_are_masked_and_unmask_to_the_payload(size):
    payload = b"x" * size
    assert unmask(wire.masked_frame(wire.TEXT, payload)) == (wire.TEXT, payload)


def test_the_handshake_checks_the_accept_key():
    request, accept = wire.handshake_request("127.0.0.1", 8000, "/cable", "actioncable-v1-json")
    key = request.split(b"Sec-WebSocket-Key: ")[1].split(b"\r\n")[0]
    assert accept == base64.b64encode(hashlib.sha1(key + wire.GUID).digest())
    ok = b"HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: " + accept
    wire.check_handshake_response(ok, accept)
    with pytest.raises(wire.HandshakeFailed):
        wire.check_handshake_response(ok.replace(accept, b"bogus"), accept)
    with pytest.raises(wire.HandshakeFailed):
        wire.check_handshake_response(b"HTTP/1.1 403 Forbidden", accept)
