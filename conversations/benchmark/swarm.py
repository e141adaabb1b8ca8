"""The sockets and the event driver of a benchmark run, on one asyncio loop.

Each socket is an ``asyncio.Protocol`` driving ``websockets``' Sans-I/O ``ClientProtocol``: the
generator shares the machine with the server it measures, so it spends no task, stream or
future per socket or per frame (the full ``websockets.connect`` client cost ~1.4 ms of CPU per
subscribe here, as much as the server's side).
"""

import asyncio
import json
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

SEQ = re.compile(rb"bench-(\w+)-(\d+)-(\d+)")
SUBPROTOCOL = Subprotocol("actioncable-v1-json")


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


class Socket(asyncio.Protocol):
    """One benchmark subscriber: connect, welcome, subscribe, then record every delivery."""

    def __init__(
        self, url: str, identifier: str, stream: int, run: str, seen: Observations
    ) -> None:
        self.url, self.stream, self.seen = url, stream, seen
        self.run = run.encode()
        self.subscribe = json.dumps({"command": "subscribe", "identifier": identifier}).encode()
        self.transport: asyncio.Transport | None = None
        self.websocket: ClientProtocol | None = None
        self.outcome: asyncio.Future[bool] | None = None
        self.welcomed = False
        self.received: set[tuple[int, int]] = set()

    @property
    def connected(self) -> bool:
        return self.websocket is not None and self.websocket.state is State.OPEN

    async def open(self) -> bool:
        loop = asyncio.get_running_loop()
        uri = parse_uri(self.url)
        self.websocket = ClientProtocol(uri, subprotocols=[SUBPROTOCOL], max_size=None)
        self.outcome = loop.create_future()
        try:
            await asyncio.wait_for(
                loop.create_connection(lambda: self, uri.host, uri.port), timeout=30
            )
            self.websocket.send_request(self.websocket.connect())
            self._flush()
            subscribed = await asyncio.wait_for(self.outcome, timeout=30)
        except (OSError, TimeoutError):
            subscribed = None
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
        if self.connected:
            assert self.websocket is not None
            self.websocket.send_close()
            self._flush()
        if self.transport is not None:
            self.transport.close()

    # asyncio.Protocol -------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        websocket = self.websocket
        assert websocket is not None
        websocket.receive_data(data)
        for event in websocket.events_received():
            if isinstance(event, Response):
                if websocket.handshake_exc is not None:
                    self._settle(None)
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self._on_text(event.data)
        self._flush()  # pongs, close replies, our own subscribe

    def connection_lost(self, exc: Exception | None) -> None:
        self._settle(None)

    # Frames -------------------------------------------------------------------------------------

    def _on_text(self, data: bytes) -> None:
        if b'"message.created"' in data:
            self._record(data)
        elif not self.welcomed:
            if b'"welcome"' in data:
                self.welcomed = True
                assert self.websocket is not None
                self.websocket.send_text(self.subscribe)
        elif b'"confirm_subscription"' in data:
            self._settle(True)
        elif b'"reject_subscription"' in data:
            self._settle(False)
        # everything else: pings, presence

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

    def _flush(self) -> None:
        assert self.websocket is not None
        if self.transport is None or self.transport.is_closing():
            return
        for chunk in self.websocket.data_to_send():
            if chunk:
                self.transport.write(chunk)
            else:
                self.transport.close()  # the protocol asks for EOF after a close handshake


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
