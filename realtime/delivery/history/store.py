"""The history store interface and the configured backend."""

import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.module_loading import import_string

from realtime.settings import realtime_settings


@dataclass(frozen=True, slots=True)
class Entry:
    offset: int
    at: float  # Unix seconds when appended
    payload: str


class HistoryUnavailable(LookupError):
    """The positions asked for are no longer (or never were) in this history."""


def new_epoch() -> str:
    """A fresh epoch: a store that lost its data (or a new process's) numbers anew."""
    return uuid.uuid4().hex[:12]


class HistoryStore(ABC):
    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self.clock = clock or time.time

    @property
    def limit(self) -> int:
        return int(realtime_settings.HISTORY_LIMIT)

    @property
    def ttl(self) -> float:
        return float(realtime_settings.HISTORY_TTL)

    @abstractmethod
    async def append(self, streams: list[str], payload: str) -> dict[str, tuple[str, int]]:
        """Keep ``payload`` in each stream; its (epoch, offset) per stream."""

    async def append_many(
        self, items: Sequence[tuple[list[str], str]]
    ) -> list[dict[str, tuple[str, int]]]:
        """``append`` for each (streams, payload), in order (a backend with round trips makes
        it one)."""
        return [await self.append(streams, payload) for streams, payload in items]

    @abstractmethod
    async def after(self, stream: str, epoch: str, offset: int) -> list[Entry]:
        """Entries after ``offset``; HistoryUnavailable if the epoch changed or it was trimmed."""

    @abstractmethod
    async def since(self, stream: str, timestamp: float) -> tuple[str, list[Entry]]:
        """The epoch and the entries appended at or after ``timestamp``.

        HistoryUnavailable if entries that old may already have been dropped.
        """


_stores: dict[str, HistoryStore] = {}


def history_store() -> HistoryStore | None:
    """The configured store, one per process; None when history is off."""
    path = realtime_settings.HISTORY_STORE
    if not path:
        return None
    store = _stores.get(path)
    if store is None:
        store = _stores[path] = import_string(path)()
    return store


def reset_history_store() -> None:
    _stores.clear()


realtime_settings.on_reload(reset_history_store)
