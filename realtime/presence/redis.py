"""
Presence in Redis, shared by every server process.

Per group: ``online:{group}``, a sorted set of members scored by their latest session expiry,
and ``sessions:{group}:{member}``, a sorted set of that member's sessions scored by expiry.
Keys carry a TTL, so a crashed process leaves nothing behind for long; ``sweep`` turns expired
members into offline transitions that some process then announces.
"""

import asyncio
from collections.abc import Iterable, Sequence

from realtime.presence.store import Entry, PresenceStore
from realtime.server.redis_connection import RedisConnection

LOADED = "__loaded__"
# Commands per pipeline when refreshing many sessions.
REFRESH_BATCH = 500


class RedisPresenceStore(RedisConnection, PresenceStore):
    def __init__(self, clock=None, url: str | None = None, prefix: str | None = None) -> None:
        PresenceStore.__init__(self, clock)
        RedisConnection.__init__(self, "presence", url=url, prefix=prefix)

    # Keys ------------------------------------------------------------------------------------

    @property
    def _groups(self) -> str:
        return f"{self.prefix}:groups"

    def _online(self, group: str) -> str:
        return f"{self.prefix}:online:{group}"

    def _sessions(self, group: str, member: str) -> str:
        return f"{self.prefix}:sessions:{group}:{member}"

    def _attributes(self, group: str) -> str:
        return f"{self.prefix}:attrs:{group}"

    async def add(self, group: str, member: str, session: str, *, ttl: float) -> bool:
        return (await self.add_many([(group, member, session)], ttl=ttl))[0]

    async def add_many(self, entries: Sequence[Entry], *, ttl: float) -> list[bool]:
        # One MULTI/EXEC for the whole batch: atomic, so two sessions of one member in the
        # same batch still see each other (only the first reports the member coming online).
        now = self.clock()
        expiry = now + ttl
        keep = int(ttl * 2) + 1
        async with self.redis.pipeline(transaction=True) as pipe:
            for group, member, session in entries:
                pipe.zscore(self._online(group), member)
                pipe.zadd(self._sessions(group, member), {session: expiry})
                pipe.expire(self._sessions(group, member), keep)
                # GT keeps the latest expiry of any session (and still adds a new member).
                pipe.zadd(self._online(group), {member: expiry}, gt=True)
                pipe.expire(self._online(group), keep)
            for group in {group for group, _, _ in entries}:
                pipe.sadd(self._groups, group)
            results = await pipe.execute()
        previous = results[: 5 * len(entries) : 5]
        return [score is None or float(score) <= now for score in previous]

    async def remove(self, group: str, member: str, session: str) -> bool:
        now = self.clock()
        key = self._sessions(group, member)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(key, session)
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zrange(key, 0, 0, desc=True, withscores=True)
            _, _, latest = await pipe.execute()
        if latest:
            await self.redis.zadd(self._online(group), {member: latest[0][1]})
            return False
        await self.redis.zrem(self._online(group), member)
        return True

    async def refresh(self, entries: Iterable[Entry], *, ttl: float) -> None:
        # Two commands per session and two per group, in pipelines of bounded size: thousands
        # of sessions must not hold the event loop (and the broadcasts behind it) for long.
        expiry = self.clock() + ttl
        keep = int(ttl * 2) + 1
        by_group: dict[str, dict[str, list[str]]] = {}
        for group, member, session in entries:
            by_group.setdefault(group, {}).setdefault(member, []).append(session)
        commands: list[tuple] = []
        for group, members in by_group.items():
            commands.append(("zadd", self._online(group), dict.fromkeys(members, expiry), True))
            commands.append(("expire", self._online(group), keep))
            commands.append(("sadd", self._groups, group))
            for member, sessions in members.items():
                key = self._sessions(group, member)
                commands.append(("zadd", key, dict.fromkeys(sessions, expiry), False))
                commands.append(("expire", key, keep))
        for start in range(0, len(commands), REFRESH_BATCH):
            async with self.redis.pipeline(transaction=False) as pipe:
                for name, key, *args in commands[start : start + REFRESH_BATCH]:
                    if name == "zadd":
                        pipe.zadd(key, args[0], gt=args[1])
                    elif name == "expire":
                        pipe.expire(key, args[0])
                    else:
                        pipe.sadd(key, args[0])
                await pipe.execute()
            await asyncio.sleep(0)  # let deliveries run between batches

    async def members(self, group: str) -> set[str]:
        return set(await self.redis.zrangebyscore(self._online(group), f"({self.clock()}", "+inf"))

    async def sweep(self) -> dict[str, set[str]]:
        now = self.clock()
        gone: dict[str, set[str]] = {}
        for group in await self.redis.smembers(self._groups):
            expired = await self.redis.zrangebyscore(self._online(group), "-inf", now)
            for member in expired:
                # ZREM answers 1 to exactly one process: only it announces the change.
                if await self.redis.zrem(self._online(group), member):
                    gone.setdefault(group, set()).add(member)
            if not await self.redis.exists(self._online(group)):
                await self.redis.srem(self._groups, group)
        return gone

    async def attributes(self, group: str) -> dict[str, str] | None:
        values = await self.redis.hgetall(self._attributes(group))
        if LOADED not in values:
            return None
        values.pop(LOADED)
        return values

    async def set_attributes(
        self, group: str, values: dict[str, str], *, replace: bool = False
    ) -> None:
        key = self._attributes(group)
        if replace:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.delete(key)
                pipe.hset(key, mapping={LOADED: "1", **values})
                await pipe.execute()
        elif values and await self.redis.hexists(key, LOADED):
            await self.redis.hset(key, mapping=values)
