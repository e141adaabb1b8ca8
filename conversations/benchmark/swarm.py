"""The sockets and the event driver of a benchmark run, on one asyncio loop."""

import asyncio
import re
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import websockets

SEQ = re.compile(r"bench-(\w+)-(\d+)-(\d+)")


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


class Socket:
    def __init__(
        self, url: str, identifier: str, stream: int, run: str, seen: Observations
    ) -> None:
        self.url, self.identifier, self.stream, self.run, self.seen = (
            url,
            identifier,
            stream,
            run,
            seen,
        )
        self.connection: websockets.ClientConnection | None = None
        self.received: set[tuple[int, int]] = set()

    async def open(self) -> bool:
        try:
            self.connection = await websockets.connect(
                self.url,
                subprotocols=["actioncable-v1-json"],
                compression=None,
                max_size=None,
                ping_interval=None,
                open_timeout=30,
            )
            await self.connection.recv()  # welcome
            await self.connection.send(
                '{"command":"subscribe","identifier":' + _quote(self.identifier) + "}"
            )
            while True:
                raw = await self.connection.recv()
                if "confirm_subscription" in raw:
                    self.seen.subscribed += 1
                    return True
                if "reject_subscription" in raw:
                    self.seen.rejected += 1
                    return False
        except Exception:
            self.seen.failed += 1
            return False

    async def listen(self) -> None:
        assert self.connection is not None
        try:
            async for raw in self.connection:
                if '"message.created"' not in raw:
                    continue  # pings, presence
                now = time.time()
                match = SEQ.search(raw)
                if match is None or match.group(1) != self.run:
                    self.seen.strays += 1
                    continue
                key = (int(match.group(2)), int(match.group(3)))
                if key in self.received:
                    self.seen.duplicates += 1
                    continue
                self.received.add(key)
                self.seen.deliveries[key].append(now)
        except websockets.ConnectionClosed:
            pass

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


def _quote(text: str) -> str:
    import json

    return json.dumps(text)


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
) -> None:
    """``rounds`` rounds at ``rate`` rounds per second; each round one event per stream."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    pending: set[asyncio.Task[None]] = set()
    for round_no in range(rounds):
        await asyncio.sleep(max(0.0, start + round_no / rate - loop.time()))
        for stream in range(streams):
            seen.sent_at[(round_no, stream)] = time.time()
            task = asyncio.create_task(trigger(round_no, stream))
            pending.add(task)
            task.add_done_callback(pending.discard)
        progress(round_no + 1, rounds)
    if pending:
        await asyncio.gather(*pending)
