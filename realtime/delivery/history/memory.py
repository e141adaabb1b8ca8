"""In-process history, for the embedded mode (one server process)."""

from collections import deque

from realtime.delivery.history.store import Entry, HistoryStore, HistoryUnavailable, new_epoch


class MemoryHistoryStore(HistoryStore):
    def __init__(self, clock=None) -> None:
        super().__init__(clock)
        self.epoch = new_epoch()  # a new process has no memory of the old one
        self._streams: dict[str, deque[Entry]] = {}
        self._next: dict[str, int] = {}

    def _trim(self, entries: deque[Entry]) -> None:
        horizon = self.clock() - self.ttl
        while entries and (len(entries) > self.limit or entries[0].at < horizon):
            entries.popleft()

    async def append(self, streams: list[str], payload: str) -> dict[str, tuple[str, int]]:
        now = self.clock()
        positions = {}
        for stream in streams:
            offset = self._next.get(stream, 0) + 1
            self._next[stream] = offset
            entries = self._streams.setdefault(stream, deque())
            entries.append(Entry(offset, now, payload))
            self._trim(entries)
            positions[stream] = (self.epoch, offset)
        return positions

    async def after(self, stream: str, epoch: str, offset: int) -> list[Entry]:
        if epoch != self.epoch:
            raise HistoryUnavailable(f"epoch {epoch!r} is gone")
        entries = self._streams.get(stream, deque())
        self._trim(entries)
        oldest = entries[0].offset if entries else self._next.get(stream, 0) + 1
        if offset + 1 < oldest:
            raise HistoryUnavailable(f"offsets before {oldest} were dropped")
        return [e for e in entries if e.offset > offset]

    async def since(self, stream: str, timestamp: float) -> tuple[str, list[Entry]]:
        if timestamp < self.clock() - self.ttl:
            raise HistoryUnavailable("older than the history keeps")
        entries = self._streams.get(stream, deque())
        self._trim(entries)
        return self.epoch, [e for e in entries if e.at >= timestamp]
