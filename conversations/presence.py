"""
Who is online in an account, as ``presence.update`` reports it and user payloads show it.

Presence groups per account: ``account.<A>.users`` (agents, by user id) and
``account.<A>.contacts`` (contacts, by contact id), kept by ``realtime``'s presence tracker.
Agents' chosen availability and ``auto_offline`` are cached in the store as the group
``account.<A>.availability`` (``"<availability>:<auto_offline 0|1>"`` per user id), loaded from
the database once and kept current by AccountUser saves, so a heartbeat never queries the
database.

An agent's status: connected → the availability they chose (online, busy, offline); not
connected → offline with ``auto_offline`` on, their chosen availability with it off.
"""

import asyncio
import logging
import re
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.db import DatabaseSyncToAsync

from realtime import protocol
from realtime.delivery.broadcast import abroadcast
from realtime.presence.store import presence_store
from realtime.presence.tracker import presence_changed
from realtime.server.loop_local import LoopLocal
from realtime.server.metrics import PRESENCE_PUSHES
from realtime.settings import realtime_settings

from . import streams
from .events import names
from .models import AccountUser

logger = logging.getLogger(__name__)

OFFLINE = AccountUser.Availability.OFFLINE
_GROUP = re.compile(r"^account\.(\d+)\.(users|contacts)$")


def users_group(account_id: int) -> str:
    return f"account.{account_id}.users"


def contacts_group(account_id: int) -> str:
    return f"account.{account_id}.contacts"


def availability_group(account_id: int) -> str:
    return f"account.{account_id}.availability"


def encode_preference(membership: AccountUser) -> str:
    return f"{membership.availability}:{int(membership.auto_offline)}"


def effective_status(preference: str | None, *, connected: bool) -> str:
    if preference is None:
        return OFFLINE
    availability, auto_offline = preference.split(":")
    if connected or auto_offline == "0":
        return availability
    return OFFLINE


def _load_preferences(account_id: int) -> dict[str, str]:
    return {
        str(m.user_id): encode_preference(m)
        for m in AccountUser.objects.filter(account_id=account_id).only(
            "user_id", "availability", "auto_offline"
        )
    }


_load_preferences_async = DatabaseSyncToAsync(_load_preferences, thread_sensitive=False)


# account_id -> (valid until, preferences): the store's copy read at most every
# PREFERENCES_TTL seconds per process (a large account's map is thousands of entries). A change
# made in this process updates it at once; one made in another process shows here within the
# TTL, and that process pushes fresh presence itself.
PREFERENCES_TTL = 5.0
_preferences: dict[int, tuple[float, dict[str, str]]] = {}


async def preferences(account_id: int) -> dict[str, str]:
    entry = _preferences.get(account_id)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    return await _single_flight(_loading, account_id, lambda: _read_preferences(account_id))


async def _read_preferences(account_id: int) -> dict[str, str]:
    cached = await presence_store().attributes(availability_group(account_id))
    if cached is None:
        cached = await _load_into_store(account_id)
    _preferences[account_id] = (time.monotonic() + PREFERENCES_TTL, cached)
    return cached


async def _load_into_store(account_id: int) -> dict[str, str]:
    loaded = await _load_preferences_async(account_id)
    await presence_store().set_attributes(availability_group(account_id), loaded, replace=True)
    return loaded


# (account_id, for_contact) -> (valid until, data, encoded message, computed at). Every
# subscribe and heartbeat answers with the account's presence; computing it is O(agents), so a
# burst of subscribes in a large account would cost O(agents²). So an answer is reused until
# this process sees a change, and after a change it is recomputed at most every
# RECOMPUTE_INTERVAL: an isolated subscribe gets fresh presence, a burst a bounded cost (each
# answer at most that old, and a push of fresh presence follows every change anyway).
RECOMPUTE_INTERVAL = 0.05
_recent: dict[tuple[int, bool], tuple[float, dict[str, Any], str, float]] = {}
# Computations under way, so a burst of subscribes computes once (single flight).
_computing: dict[tuple[int, bool], "asyncio.Future[tuple[dict[str, Any], str]]"] = {}
_loading: dict[int, "asyncio.Future[dict[str, str]]"] = {}


def forget_all_presence() -> None:
    _recent.clear()
    _preferences.clear()
    _computing.clear()
    _loading.clear()


def forget_presence(account_id: int) -> None:
    _recent.pop((account_id, True), None)
    _recent.pop((account_id, False), None)


def presence_changed_here(account_id: int) -> None:
    """A change seen by this process: answers may be reused only briefly now.

    "Briefly" grows with the account's online size, as pushes do (see push_delay).
    """
    interval = RECOMPUTE_INTERVAL * max(1.0, online_size(account_id) / PUSH_SCALE)
    for key in ((account_id, True), (account_id, False)):
        entry = _recent.get(key)
        if entry is not None:
            _recent[key] = (min(entry[0], entry[3] + interval), *entry[1:])


async def presence_payload(account_id: int, *, for_contact: bool) -> tuple[dict[str, Any], str]:
    """The account's presence data and its encoded ``presence.update`` message, recent."""
    key = (account_id, for_contact)
    entry = _recent.get(key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1], entry[2]
    return await _single_flight(_computing, key, lambda: _compute_payload(key))


async def _compute_payload(key: tuple[int, bool]) -> tuple[dict[str, Any], str]:
    now = time.monotonic()
    data = await presence_data(key[0], for_contact=key[1])
    encoded = protocol.dumps(presence_message(data))
    _recent[key] = (now + float(realtime_settings.PRESENCE_COALESCE), data, encoded, now)
    return data, encoded


async def _single_flight(flights: dict, key: Any, compute: Any) -> Any:
    """Run ``compute()`` once for concurrent callers with the same ``key``."""
    flight = flights.get(key)
    if flight is None:
        flight = flights[key] = asyncio.ensure_future(compute())
        flight.add_done_callback(lambda _: flights.pop(key, None))
    return await asyncio.shield(flight)


async def presence_data(account_id: int, *, for_contact: bool) -> dict[str, Any]:
    """The ``presence.update`` data, computed now; contacts never learn about other contacts."""
    store = presence_store()
    connected = await store.members(users_group(account_id))
    users = {}
    for user_id, preference in (await preferences(account_id)).items():
        status = effective_status(preference, connected=user_id in connected)
        if status != OFFLINE:
            users[user_id] = status
    data: dict[str, Any] = {"account_id": account_id, "users": users}
    if not for_contact:
        data["contacts"] = {
            contact_id: "online" for contact_id in await store.members(contacts_group(account_id))
        }
    return data


def presence_message(data: dict[str, Any]) -> dict[str, Any]:
    return {"event": names.PRESENCE_UPDATE, "data": data}


async def push_presence(account_id: int) -> None:
    """Send the account's presence to its agents (everything) and contacts (agents only)."""
    forget_presence(account_id)
    _, for_agents = await presence_payload(account_id, for_contact=False)
    await abroadcast([streams.account_agents(account_id)], for_agents)
    _, for_contacts = await presence_payload(account_id, for_contact=True)
    await abroadcast([streams.account_contacts(account_id)], for_contacts)
    PRESENCE_PUSHES.inc(2)


def online_contacts(account_id: int) -> set[str]:
    """Ids (strings) of the account's contacts connected now; none when presence is down."""
    try:
        return async_to_sync(presence_store().members)(contacts_group(account_id))
    except Exception as exc:
        logger.warning("presence: contact status unknown (%s: %s)", type(exc).__name__, exc)
        return set()


def contact_online(contact_id: int, account_id: int) -> bool:
    """Whether any session of the contact is connected now (False when presence is down)."""
    return str(contact_id) in online_contacts(account_id)


def agent_status(user_id: int, account_id: int) -> str:
    """An agent's status for payloads built in synchronous code (events, API responses)."""

    async def status() -> str:
        connected = await presence_store().members(users_group(account_id))
        prefs = await preferences(account_id)
        return effective_status(prefs.get(str(user_id)), connected=str(user_id) in connected)

    try:
        return async_to_sync(status)()
    except Exception as exc:
        # Presence is shown, not relied on: with its store down (Redis), a payload or a
        # response whose write has committed says "offline" rather than failing.
        logger.warning("presence: status unknown (%s: %s); shown offline", type(exc).__name__, exc)
        return AccountUser.Availability.OFFLINE


def availability_changed(membership: AccountUser) -> None:
    """An agent's chosen availability or auto_offline changed: cache it, tell everyone."""

    async def update() -> None:
        await presence_store().set_attributes(
            availability_group(membership.account_id),
            {str(membership.user_id): encode_preference(membership)},
        )
        _preferences.pop(membership.account_id, None)
        await push_presence(membership.account_id)

    async_to_sync(update)()


# A push sends the account's whole presence map to every agent in it: its cost grows with the
# square of the account's online size. So the coalescing window grows with that size (one
# window per PUSH_SCALE online subscribers), up to the documented heartbeat interval, after
# which clients would have asked anyway.
PUSH_SCALE = 100
PUSH_MAX_DELAY = 30.0


def online_size(account_id: int) -> int:
    """How many were online in the account at the last computation here (0 if unknown)."""
    entry = _recent.get((account_id, False))
    return len(entry[1]["users"]) + len(entry[1].get("contacts", {})) if entry else 0


def push_delay(account_id: int) -> float:
    base = float(realtime_settings.PRESENCE_COALESCE)
    return min(max(base, base * online_size(account_id) / PUSH_SCALE), max(base, PUSH_MAX_DELAY))


class PresenceNotifier(LoopLocal):
    """Coalesces presence changes: a burst in one account becomes one push per interval."""

    def __init__(self) -> None:
        self._pending: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, account_id: int) -> None:
        if account_id in self._pending:
            return
        self._pending.add(account_id)
        task = asyncio.create_task(self._push_later(account_id, push_delay(account_id)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _push_later(self, account_id: int, delay: float) -> None:
        await asyncio.sleep(delay)
        self._pending.discard(account_id)
        try:
            await push_presence(account_id)
        except Exception:
            logger.exception("presence: push for account %s failed", account_id)


def on_presence_changed(sender: Any, group: str, member: str, online: bool, **kwargs: Any) -> None:
    match = _GROUP.match(group)
    if match:
        presence_changed_here(int(match.group(1)))
        PresenceNotifier.current().schedule(int(match.group(1)))


def connect() -> None:
    presence_changed.connect(on_presence_changed, dispatch_uid="conversations.presence")
