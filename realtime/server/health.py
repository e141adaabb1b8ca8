"""Health checks for load balancers and orchestrators: ``/healthz`` and ``/readyz``.

``/healthz``: the process is up and serving (200, always, if it answers at all).
``/readyz``: it can do its work: the database answers, Redis answers when configured, and the
channel layer carries a message to this process's hub reader, which takes it. 200 with every
check, or 503 naming what failed, e.g.
``{"status": "unavailable", "checks": {"redis": {"ok": false, "error": "…"}, …}}``.

Both are async views: they run in the server's event loop, beside its sockets and its hub.
"""

import asyncio
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse

from realtime.server.hub import Hub
from realtime.server.redis_connection import RedisConnection
from realtime.settings import realtime_settings

CHECK_TIMEOUT = 3.0
_redis = RedisConnection("health")


async def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


async def readyz(request: HttpRequest) -> JsonResponse:
    checks = dict(
        zip(
            ("database", "redis", "hub"),
            await asyncio.gather(_database(), _redis_check(), _hub()),
            strict=True,
        )
    )
    checks = {name: result for name, result in checks.items() if result is not None}
    ready = all(result["ok"] for result in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


async def _guarded(check: Any) -> dict[str, Any]:
    try:
        return await asyncio.wait_for(check, CHECK_TIMEOUT)
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {CHECK_TIMEOUT}s"}
    except Exception as exc:  # whatever failed is the answer, never a 500
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


def _select_one() -> dict[str, Any]:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    finally:
        connections["default"].close_if_unusable_or_obsolete()


async def _database() -> dict[str, Any]:
    return await _guarded(sync_to_async(_select_one, thread_sensitive=False)())


async def _redis_check() -> dict[str, Any] | None:
    if not getattr(settings, "REDIS_URL", ""):
        return None  # embedded: no Redis to need

    async def ping() -> dict[str, Any]:
        await _redis.redis.ping()
        return {"ok": True}

    return await _guarded(ping())


async def _hub() -> dict[str, Any]:
    timeout = min(CHECK_TIMEOUT, float(realtime_settings.REDIS_SOCKET_TIMEOUT) + 1.0)
    return await _guarded(Hub.current().probe(timeout))
