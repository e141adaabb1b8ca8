"""The sockets and the event driver of a benchmark run, on one asyncio loop.

Each socket is an ``asyncio.Protocol`` speaking the lean client side of ``wire``: no task,
stream or future per socket or per frame, because the generator shares the machine with the
server it measures.
"""

import asyncio
import json
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from realtime.loadgen import wire

SEQ = re.compile(rb"bench-(\w+)-(\d+)-(\d+)")
SUBPROTOCOL = "actioncable-v1-json"
OPEN_TIMEOUT = 30.0  # seconds from connect to confirm_subscription


@dataclass
class Observations:
    """What the sockets saw: every delivery's receive time, by event."""

    subscribed: int = 0
    rejected: int = 0
    failed: int = 0
    subscribe_started: float = 0.0
    subscribe_finished: float = 0.0
    sent_at: dict[tuple[int, int], float] = field(default_factory=dict)  # (round, stream) -> t0
    deliveries: dict[tuple[int, int], list[float]] = field(
        default_factory=lambda: defaultdict(list)
    )
    duplicates: int = 0
    strays: int = 0
    # Every broadcast frame received (events, presence, strays): what the server's
    # cable_deliveries_total counted for these sockets.
    broadcast_frames: int = 0


class Socket(asyncio.Protocol):
    """One benchmark subscriber: connect, welcome, subscribe, then record every delivery."""

    def __init__(
        self, url: str, identifier: str, stream: int, run: str, seen: Observations
    ) -> None:
        self.url, self.stream, self.seen = url, stream, seen
        self.run = run.encode()
        self.subscribe = json.dumps({"command": "subscribe", "identifier": identifier}).encode()
        self.transport: asyncio.Transport | None = None
        self.outcome: asyncio.Future[bool | None] | None = None
        self.accept = b""
        self.head = bytearray()  # the handshake response, until its blank line
        self.frames: wire.FrameReader | None = None  # once the upgrade is accepted
        self.welcomed = False
        self.received: set[tuple[int, int]] = set()
        self.presence_at = 0.0  # when the last presence.update arrived

    @property
    def connected(self) -> bool:
        return self.frames is not None and self.transport is not None

    async def open(self) -> bool:
        loop = asyncio.get_running_loop()
        target = urlparse(self.url)
        host, port = target.hostname or "127.0.0.1", target.port or 80
        request, self.accept = wire.handshake_request(host, port, target.path, SUBPROTOCOL)
        self.outcome = loop.create_future()
        # One timer for the whole attempt (asyncio.wait_for would add a task per step).
        timer = loop.call_later(OPEN_TIMEOUT, self._settle, None)
        try:
            await loop.create_connection(lambda: self, host, port)
            assert self.transport is not None
            self.transport.write(request)
            subscribed = await self.outcome
        except OSError:
            subscribed = None
        finally:
            timer.cancel()
        if subscribed is None:
            self.seen.failed += 1
            self.close()
            return False
        if subscribed:
            self.seen.subscribed += 1
        else:
            self.seen.rejected += 1
        return subscribed

    def close(self) -> None:
        if self.transport is None:
            return
        if self.frames is not None and not self.transport.is_closing():
            self.transport.write(wire.masked_frame(wire.CLOSE, (1000).to_bytes(2, "big")))
        self.transport.close()

    # asyncio.Protocol -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.frames is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            try:
                wire.check_handshake_response(bytes(self.head[:end]), self.accept)
            except wire.HandshakeFailed:
                self._settle(None)
                return
            self.frames = wire.FrameReader()
            data = bytes(self.head[end + 4 :])
            self.head = bytearray()
        try:
            for opcode, payload in self.frames.feed(data):
                if opcode == wire.TEXT:
                    self._on_text(payload)
                elif opcode == wire.PING:
                    self._send(wire.PONG, payload)
                elif opcode == wire.CLOSE:
                    self._send(wire.CLOSE, payload[:2])
                    assert self.transport is not None
                    self.transport.close()
        except ConnectionError:
            self._settle(None)
            if self.transport is not None:
                self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.frames = None
        self._settle(None)

    # Frames -------------------------------------------------------------------------------------

    def _on_text(self, data: bytes) -> None:
        if data.startswith(b'{"identifier"') and b'"message":' in data:
            self.seen.broadcast_frames += 1
        if b'"message.created"' in data:
            self._record(data)
        elif not self.welcomed:
            if b'"welcome"' in data:
                self.welcomed = True
                self._send(wire.TEXT, self.subscribe)
        elif b'"confirm_subscription"' in data:
            self._settle(True)
        elif b'"reject_subscription"' in data:
            self._settle(False)
        elif b'"presence.update"' in data:
            self.presence_at = time.time()
        # everything else: pings

    def _record(self, data: bytes) -> None:
        now = time.time()
        match = SEQ.search(data)
        if match is None or match.group(1) != self.run:
            self.seen.strays += 1
            return
        key = (int(match.group(2)), int(match.group(3)))
        if key in self.received:
            self.seen.duplicates += 1
            return
        self.received.add(key)
        self.seen.deliveries[key].append(now)

    def _settle(self, subscribed: bool | None) -> None:
        if self.outcome is not None and not self.outcome.done():
            self.outcome.set_result(subscribed)

    def _send(self, opcode: int, payload: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(wire.masked_frame(opcode, payload))


async def open_all(
    sockets: list[Socket], *, concurrency: int, progress: Callable[[int, int], None]
) -> None:
    gate = asyncio.Semaphore(concurrency)
    done = 0

    async def one(socket: Socket) -> None:
        nonlocal done
        async with gate:
            await socket.open()
        done += 1
        progress(done, len(sockets))

    await asyncio.gather(*(one(s) for s in sockets))


async def presence_settled(sockets: list[Socket], *, since: float, timeout: float) -> float:
    """Wait until every socket has heard the account's presence after ``since``; the seconds
    waited (``timeout`` if some never did).

    Every subscribe changes presence, and the account's full map is pushed to all its agents
    after a coalescing window that grows with the number online (up to 30 s): the push that
    follows a subscribe storm of thousands is the biggest write the server makes. Measuring
    starts after it, in steady state.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < timeout:
        if all(s.presence_at >= since for s in sockets if s.connected):
            break
        await asyncio.sleep(0.1)
    return loop.time() - start


async def drive(
    *,
    rounds: int,
    rate: float,
    streams: int,
    seen: Observations,
    trigger: Callable[[int, int], Awaitable[None]],
    progress: Callable[[int, int], None],
    spread: bool = False,
) -> None:
    """``rounds`` rounds at ``rate`` rounds per second; each round one event per stream.

    By default a round's events all start at once (a burst: the worst case). With ``spread``
    they are evenly spaced across the round, as independent streams' traffic would be.
    """
    loop = asyncio.get_running_loop()
    start = loop.time()
    pending: set[asyncio.Task[None]] = set()
    for round_no in range(rounds):
        for stream in range(streams):
            offset = round_no / rate + (stream / (streams * rate) if spread else 0.0)
            delay = start + offset - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            seen.sent_at[(round_no, stream)] = time.time()
            task = asyncio.create_task(trigger(round_no, stream))
            pending.add(task)
            task.add_done_callback(pending.discard)
        progress(round_no + 1, rounds)
    if pending:
        await asyncio.gather(*pending)
