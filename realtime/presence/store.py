"""The presence store interface, and how the configured backend is found."""

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence

from django.utils.module_loading import import_string

from realtime.settings import realtime_settings

Entry = tuple[str, str, str]  # (group, member, session)


class PresenceStore(ABC):
    """Sessions with expiry times, grouped; plus a small per-group hash of member attributes.

    ``now`` is injectable so tests control time instead of sleeping through it.
    """

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or time.time

    @abstractmethod
    async def add(self, group: str, member: str, session: str, *, ttl: float) -> bool:
        """Add or refresh a session; True when the member was offline until now."""

    async def add_many(self, entries: Sequence[Entry], *, ttl: float) -> list[bool]:
        """``add`` for each entry, in order (a backend with round trips makes it one)."""
        return [await self.add(*entry, ttl=ttl) for entry in entries]

    @abstractmethod
    async def remove(self, group: str, member: str, session: str) -> bool:
        """Remove a session; True when the member has no live session left."""

    @abstractmethod
    async def refresh(self, entries: Iterable[Entry], *, ttl: float) -> None:
        """Extend many sessions at once (one round trip)."""

    @abstractmethod
    async def members(self, group: str) -> set[str]:
        """Members of ``group`` with at least one live session."""

    @abstractmethod
    async def sweep(self) -> dict[str, set[str]]:
        """Drop expired sessions everywhere; the members that went offline, by group."""

    @abstractmethod
    async def attributes(self, group: str) -> dict[str, str] | None:
        """The group's member attributes, or None if never loaded."""

    @abstractmethod
    async def set_attributes(
        self, group: str, values: dict[str, str], *, replace: bool = False
    ) -> None:
        """Set member attributes (``replace`` drops the others and marks the group loaded)."""


_stores: dict[str, PresenceStore] = {}


def presence_store() -> PresenceStore:
    """The configured store, one per process."""
    path = realtime_settings.PRESENCE_STORE
    store = _stores.get(path)
    if store is None:
        store = _stores[path] = import_string(path)()
    return store


def reset_presence_store() -> None:
    _stores.clear()


realtime_settings.on_reload(reset_presence_store)
