"""
Session restore for the extended protocol: a client that reconnects with its ``sid`` gets its
subscriptions back without re-subscribing (AnyCable's ``restored: true``).

A session is the list of identifiers a connection held when it closed, kept in Django's cache
(Redis in production, so any process can restore it) for ``HISTORY_TTL`` seconds and usable
once. Every restored identifier is authorised again, so a sid grants nothing by itself.
"""

import json
from typing import Any
from urllib.parse import parse_qs

from django.core.cache import cache

from .settings import realtime_settings

PREFIX = "cable:session:"


def restore_sid(scope: dict[str, Any]) -> str | None:
    """The sid a reconnecting client presents: ``?sid=`` or ``X-AnyCable-Restore-Sid``."""
    query = parse_qs((scope.get("query_string") or b"").decode("latin1"))
    sid = (query.get("sid") or [None])[0]
    if not sid:
        headers = dict(scope.get("headers") or [])
        sid = headers.get(b"x-anycable-restore-sid", b"").decode("latin1") or None
    if sid and (len(sid) > 64 or not sid.isalnum()):
        return None
    return sid


async def keep(sid: str, identifiers: list[str]) -> None:
    await cache.aset(PREFIX + sid, json.dumps(identifiers), timeout=realtime_settings.HISTORY_TTL)


async def take(sid: str) -> list[str] | None:
    value = await cache.aget(PREFIX + sid)
    if value is None:
        return None
    await cache.adelete(PREFIX + sid)
    identifiers = json.loads(value)
    if not isinstance(identifiers, list):
        return None
    return [i for i in identifiers if isinstance(i, str)][: realtime_settings.MAX_SUBSCRIPTIONS]
