"""
History in Redis Streams, shared by every server process.

Per stream: a counter (``INCR``) giving offsets 1, 2, 3…, and a Redis Stream whose entry ids are
``<offset>-1`` with the payload and its time, trimmed to ``HISTORY_LIMIT`` entries; both keys
expire ``HISTORY_TTL`` after the last append. An append is one Lua script, so the publisher pays
one round trip however many streams an event goes to. The epoch is a random key created once:
if Redis loses its data the epoch key is gone too, a new one is made, and old positions are
refused.
"""

import hashlib
import uuid
from collections.abc import Sequence

from redis.exceptions import NoScriptError

from ..redis_connection import RedisConnection
from .store import Entry, HistoryStore, HistoryUnavailable

# KEYS: epoch, counter, stream. ARGV: payload, time, limit, ttl, a fresh epoch (used if none).
APPEND = """
redis.call('SET', KEYS[1], ARGV[5], 'NX')
local epoch = redis.call('GET', KEYS[1])
local offset = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[3], offset .. '-1', 'p', ARGV[1], 't', ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[4])
return {epoch, offset}
"""
APPEND_SHA = hashlib.sha1(APPEND.encode()).hexdigest()


class RedisHistoryStore(RedisConnection, HistoryStore):
    def __init__(self, clock=None, url: str | None = None, prefix: str | None = None) -> None:
        HistoryStore.__init__(self, clock)
        RedisConnection.__init__(self, "history", url=url, prefix=prefix)

    async def epoch(self) -> str:
        key = f"{self.prefix}:epoch"
        await self.redis.set(key, uuid.uuid4().hex[:12], nx=True)
        return await self.redis.get(key)

    async def append(self, streams: list[str], payload: str) -> dict[str, tuple[str, int]]:
        return (await self.append_many([(streams, payload)]))[0]

    async def append_many(
        self, items: Sequence[tuple[list[str], str]]
    ) -> list[dict[str, tuple[str, int]]]:
        # One round trip for every stream of every broadcast: each append is a script (epoch,
        # counter, XADD), run in order, so offsets follow the order of the broadcasts.
        keep, now = int(self.ttl) + 1, repr(self.clock())
        epoch_key = f"{self.prefix}:epoch"
        fresh_epoch = uuid.uuid4().hex[:12]
        async with self.redis.pipeline(transaction=False) as pipe:
            for streams, payload in items:
                for stream in streams:
                    pipe.evalsha(
                        *self._append_script_args(stream, epoch_key),
                        payload,
                        now,
                        self.limit,
                        keep,
                        fresh_epoch,
                    )
            try:
                results = iter(await pipe.execute())
            except NoScriptError:  # a new (or flushed) Redis: load the script once, again
                await self.redis.script_load(APPEND)
                return await self.append_many(items)
        # ``results`` is one iterator across all items: each takes as many as it has streams.
        return [
            {
                stream: (epoch, int(offset))
                for stream, (epoch, offset) in zip(streams, results, strict=False)
            }
            for streams, _ in items
        ]

    def _append_script_args(self, stream: str, epoch_key: str) -> tuple:
        return (APPEND_SHA, 3, epoch_key, f"{self.prefix}:n:{stream}", f"{self.prefix}:s:{stream}")

    def _entries(self, rows: list) -> list[Entry]:
        return [
            Entry(int(entry_id.split("-")[0]), float(fields["t"]), fields["p"])
            for entry_id, fields in rows
        ]

    async def after(self, stream: str, epoch: str, offset: int) -> list[Entry]:
        if epoch != await self.epoch():
            raise HistoryUnavailable(f"epoch {epoch!r} is gone")
        key = f"{self.prefix}:s:{stream}"
        first = await self.redis.xrange(key, count=1)
        last_offset = int(await self.redis.get(f"{self.prefix}:n:{stream}") or 0)
        oldest = int(first[0][0].split("-")[0]) if first else last_offset + 1
        if offset + 1 < oldest:
            raise HistoryUnavailable(f"offsets before {oldest} were dropped")
        entries = self._entries(await self.redis.xrange(key, min=f"({offset}-1"))
        horizon = self.clock() - self.ttl
        return [e for e in entries if e.at >= horizon]

    async def since(self, stream: str, timestamp: float) -> tuple[str, list[Entry]]:
        if timestamp < self.clock() - self.ttl:
            raise HistoryUnavailable("older than the history keeps")
        epoch = await self.epoch()
        entries = self._entries(await self.redis.xrange(f"{self.prefix}:s:{stream}"))
        return epoch, [e for e in entries if e.at >= timestamp]
