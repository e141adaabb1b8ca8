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
from collections.abc import Sequence

from redis.exceptions import NoScriptError

from realtime.delivery.history.store import Entry, HistoryStore, HistoryUnavailable, new_epoch
from realtime.server.redis_connection import RedisConnection

# One call appends a whole batch of broadcasts. KEYS: the epoch key, then a counter key and a
# stream key per append. ARGV: time, limit, ttl, a fresh epoch (used if none), the number of
# distinct payloads m, the m payloads, then for each append the index of its payload (an event
# to several streams sends its payload once).
APPEND = """
redis.call('SET', KEYS[1], ARGV[4], 'NX')
local epoch = redis.call('GET', KEYS[1])
local m = tonumber(ARGV[5])
local offsets = {}
for i = 1, (#KEYS - 1) / 2 do
  local counter, stream = KEYS[2 * i], KEYS[2 * i + 1]
  local payload = ARGV[5 + tonumber(ARGV[5 + m + i])]
  local offset = redis.call('INCR', counter)
  redis.call('EXPIRE', counter, ARGV[3])
  redis.call('XADD', stream, 'MAXLEN', ARGV[2], offset .. '-1', 'p', payload, 't', ARGV[1])
  redis.call('EXPIRE', stream, ARGV[3])
  offsets[i] = offset
end
return {epoch, offsets}
"""
APPEND_SHA = hashlib.sha1(APPEND.encode()).hexdigest()


class RedisHistoryStore(RedisConnection, HistoryStore):
    def __init__(self, clock=None, url: str | None = None, prefix: str | None = None) -> None:
        HistoryStore.__init__(self, clock)
        RedisConnection.__init__(self, "history", url=url, prefix=prefix)

    async def epoch(self) -> str:
        key = f"{self.prefix}:epoch"
        await self.redis.set(key, new_epoch(), nx=True)
        return await self.redis.get(key)

    async def append(self, streams: list[str], payload: str) -> dict[str, tuple[str, int]]:
        return (await self.append_many([(streams, payload)]))[0]

    async def append_many(
        self, items: Sequence[tuple[list[str], str]]
    ) -> list[dict[str, tuple[str, int]]]:
        # One script call for every stream of every broadcast in the batch: one command to
        # pack and one reply to parse (redis-py spends ~20 µs on each), offsets in batch order.
        keys = [f"{self.prefix}:epoch"]
        payload_indexes = []
        for index, (streams, _) in enumerate(items, start=1):
            for stream in streams:
                keys += (f"{self.prefix}:n:{stream}", f"{self.prefix}:s:{stream}")
                payload_indexes.append(index)
        if len(keys) == 1:
            return [{} for _ in items]
        args = [
            repr(self.clock()),
            self.limit,
            int(self.ttl) + 1,
            new_epoch(),
            len(items),
            *(payload for _, payload in items),
            *payload_indexes,
        ]
        try:
            epoch, offsets = await self.redis.evalsha(APPEND_SHA, len(keys), *keys, *args)
        except NoScriptError:  # a new (or flushed) Redis: load the script once, again
            await self.redis.script_load(APPEND)
            epoch, offsets = await self.redis.evalsha(APPEND_SHA, len(keys), *keys, *args)
        positions = iter(offsets)
        return [
            {stream: (epoch, int(next(positions))) for stream in streams} for streams, _ in items
        ]

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
