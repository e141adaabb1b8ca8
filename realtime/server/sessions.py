"""
Session restore for the extended protocol: a client that reconnects with its ``sid`` gets its
subscriptions back without re-subscribing (AnyCable's ``restored: true``).

A session is the list of identifiers a connection held when it closed, kept in Django's cache
(Redis in production, so any process can restore it) for ``HISTORY_TTL`` seconds and usable
once. Every restored identifier is authorised again. The welcome that restores a session
echoes its identifiers (tokens included: the client matches them byte for byte), so a sid is
bound to the client that held it, by a digest of its ``Origin`` and ``User-Agent``: a stolen sid
presented by another browser, page or program restores nothing (and is spent). Sids are
masked in log lines (``realtime/server/redaction.py``).
"""

import hashlib
import json
from typing import Any
from urllib.parse import parse_qs

from django.core.cache import cache

from realtime.settings import realtime_settings

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


def client_fingerprint(scope: dict[str, Any]) -> str:
    """What a restoring client must share with the one that held the session."""
    headers = dict(scope.get("headers") or [])
    digest = hashlib.sha256()
    for name in (b"origin", b"user-agent"):
        digest.update(headers.get(name, b"") + b"\n")
    return digest.hexdigest()


async def keep(sid: str, identifiers: list[str], *, fingerprint: str) -> None:
    value = json.dumps({"identifiers": identifiers, "client": fingerprint})
    await cache.aset(PREFIX + sid, value, timeout=realtime_settings.HISTORY_TTL)


async def take(sid: str, *, fingerprint: str) -> list[str] | None:
    """The session's identifiers, once, and only to the client that held them."""
    value = await cache.aget(PREFIX + sid)
    if value is None:
        return None
    await cache.adelete(PREFIX + sid)
    session = json.loads(value)
    if not isinstance(session, dict) or session.get("client") != fingerprint:
        return None
    identifiers = session.get("identifiers")
    if not isinstance(identifiers, list):
        return None
    return [i for i in identifiers if isinstance(i, str)][: realtime_settings.MAX_SUBSCRIPTIONS]
