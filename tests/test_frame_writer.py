"""Direct frame writes: RFC 6455 headers, and writing only while the connection is open.

On the wire, tests/test_daphne_writes.py sends frames of every header size (pings under 126
bytes, events under 64 KiB, a 900 KB event) through a real daphne to a strict client.
"""

import functools

from realtime.daphne.frame_writer import FrameWriter, text_frame_header


def test_text_frame_headers_use_the_shortest_length_form():
    assert text_frame_header(0) == b"\x81\x00"
    assert text_frame_header(125) == b"\x81\x7d"
    assert text_frame_header(126) == b"\x81\x7e\x00\x7e"
    assert text_frame_header(65535) == b"\x81\x7e\xff\xff"
    assert text_frame_header(65536) == b"\x81\x7f" + (65536).to_bytes(8, "big")


class Transport:
    def __init__(self) -> None:
        self.disconnecting = False
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)


class Protocol:  # the shape of daphne's autobahn-based WebSocketProtocol
    STATE_OPEN = 1
    STATE_CLOSING = 2

    def __init__(self) -> None:
        self.state = self.STATE_OPEN
        self.transport = Transport()


def handle_reply(protocol, message):  # daphne's send is partial(server.handle_reply, protocol)
    raise AssertionError("not used")


def test_a_frame_is_written_whole_while_open_and_refused_after():
    protocol = Protocol()
    writer = FrameWriter.of(functools.partial(handle_reply, protocol))
    assert writer is not None
    assert writer.write(b'{"identifier":"x","message":', b'{"n":1}}') is True
    body = b'{"identifier":"x","message":{"n":1}}'
    assert protocol.transport.written == [bytes((0x81, len(body))) + body]
    protocol.state = protocol.STATE_CLOSING
    assert writer.write(b"late") is False
    protocol.state = protocol.STATE_OPEN
    protocol.transport.disconnecting = True
    assert writer.write(b"late") is False
    assert len(protocol.transport.written) == 1


def test_no_writer_where_daphne_is_not_underneath():
    async def send(message):  # another server, or the test communicator
        return None

    assert FrameWriter.of(send) is None
    assert FrameWriter.of(functools.partial(handle_reply, object())) is None
