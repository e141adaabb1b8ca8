"""
Coalescing concurrent lookups into batches: one round trip for many subscribes.

A reconnect storm (a deploy, a network blip) brings thousands of subscribes at once, each
needing a database lookup and a presence write. Done one by one, every subscribe pays a thread
hand-off, a query's fixed cost and a round trip; the server then subscribes a few hundred
sockets a second. A ``Batcher`` queues each request and hands everything queued so far to one
``load_many`` call, one batch in flight at a time: while a batch runs, the next one gathers. An
isolated request waits no longer than one call; under load batches grow by themselves
(group commit), and the cost per request falls with them.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")


class Batcher(Generic[K, V]):
    """``await batcher.load(key)`` → the value ``load_many`` gives for ``key``.

    ``load_many`` takes a list of keys and returns one value per key, in order. If it raises
    for a batch of several keys, each key is looked up alone, so one bad key fails only its
    own request (with the exception ``load_many`` raised for it). Bound to the event loop it
    is first used on (keep one per loop, as ``LoopLocal`` does).
    """

    def __init__(
        self,
        load_many: Callable[[list[K]], Awaitable[Sequence[V]]],
        *,
        max_batch: int = 256,
        name: str = "batch",
    ) -> None:
        self._load_many = load_many
        self._max_batch = max_batch
        self._name = name
        self._queued: list[tuple[K, asyncio.Future[V]]] = []
        self._worker: asyncio.Task[None] | None = None

    async def load(self, key: K) -> V:
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._queued.append((key, future))
        if self._worker is None:
            self._worker = asyncio.create_task(self._drain(), name=f"{self._name}-batcher")
        return await future

    async def _drain(self) -> None:
        try:
            while self._queued:
                # One turn of the loop first: requests made in the same iteration (a burst of
                # frames read together) join this batch instead of starting the next.
                await asyncio.sleep(0)
                batch = self._queued[: self._max_batch]
                del self._queued[: self._max_batch]
                # Requests whose sockets closed meanwhile are not looked up at all.
                batch = [(key, future) for key, future in batch if not future.done()]
                if batch:
                    await self._run(batch)
        finally:
            self._worker = None

    async def _run(self, batch: list[tuple[K, "asyncio.Future[V]"]]) -> None:
        try:
            values = await self._load_many([key for key, _ in batch])
        except Exception as exc:
            if len(batch) > 1:  # find the key that failed: the others get their answers
                for one in batch:
                    await self._run([one])
                return
            self._fail(batch, exc)
            return
        if len(values) != len(batch):
            self._fail(
                batch,
                RuntimeError(
                    f"{self._name}: load_many returned {len(values)} values for {len(batch)} keys"
                ),
            )
            return
        for (_, future), value in zip(batch, values, strict=True):
            if not future.done():
                future.set_result(value)

    @staticmethod
    def _fail(batch: list[tuple[K, "asyncio.Future[V]"]], exc: Exception) -> None:
        for _, future in batch:
            if not future.done():
                future.set_exception(exc)
