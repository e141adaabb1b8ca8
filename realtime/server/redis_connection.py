"""Redis for the cable server's shared state (presence, history): where, under which prefix."""

import asyncio

import redis.asyncio as aioredis
from django.conf import settings

from realtime.settings import realtime_settings


class RedisConnection:
    """A Redis client per event loop for one kind of key, prefixed per deployment.

    redis-py's asyncio connections belong to the loop that made them (tests and management
    commands run their own loops), hence one client per loop.
    """

    def __init__(self, kind: str, *, url: str | None = None, prefix: str | None = None) -> None:
        self.url = url or getattr(settings, "REDIS_URL", "") or "redis://127.0.0.1:6379/0"
        self.prefix = f"{prefix or realtime_settings.GROUP_PREFIX}:{kind}"
        self._clients: dict[int, aioredis.Redis] = {}

    @property
    def redis(self) -> aioredis.Redis:
        loop = asyncio.get_running_loop()
        client = self._clients.get(id(loop))
        if client is None:
            # Timeouts: a stalled or unreachable Redis fails a call within seconds instead of
            # holding the request or socket that made it (REALTIME["REDIS_*_TIMEOUT"]).
            client = self._clients[id(loop)] = aioredis.Redis.from_url(
                self.url,
                decode_responses=True,
                socket_connect_timeout=realtime_settings.REDIS_CONNECT_TIMEOUT,
                socket_timeout=realtime_settings.REDIS_SOCKET_TIMEOUT,
            )
        return client
