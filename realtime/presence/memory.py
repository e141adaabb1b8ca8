"""In-process presence: for the embedded mode, one server process."""

from collections.abc import Iterable

from realtime.presence.store import Entry, PresenceStore


class MemoryPresenceStore(PresenceStore):
    def __init__(self, clock=None) -> None:
        super().__init__(clock)
        # group -> member -> session -> expiry
        self._groups: dict[str, dict[str, dict[str, float]]] = {}
        self._attributes: dict[str, dict[str, str]] = {}

    def _live(self, group: str, member: str) -> bool:
        now = self.clock()
        sessions = self._groups.get(group, {}).get(member, {})
        return any(expiry > now for expiry in sessions.values())

    async def add(self, group: str, member: str, session: str, *, ttl: float) -> bool:
        was_online = self._live(group, member)
        members = self._groups.setdefault(group, {})
        members.setdefault(member, {})[session] = self.clock() + ttl
        return not was_online

    async def remove(self, group: str, member: str, session: str) -> bool:
        sessions = self._groups.get(group, {}).get(member)
        if sessions is not None:
            sessions.pop(session, None)
        if self._live(group, member):
            return False
        self._groups.get(group, {}).pop(member, None)
        return True

    async def refresh(self, entries: Iterable[Entry], *, ttl: float) -> None:
        expiry = self.clock() + ttl
        for group, member, session in entries:
            self._groups.setdefault(group, {}).setdefault(member, {})[session] = expiry

    async def members(self, group: str) -> set[str]:
        return {m for m in self._groups.get(group, {}) if self._live(group, m)}

    async def sweep(self) -> dict[str, set[str]]:
        now = self.clock()
        gone: dict[str, set[str]] = {}
        for group, members in self._groups.items():
            for member in list(members):
                sessions = members[member]
                for session in [s for s, expiry in sessions.items() if expiry <= now]:
                    del sessions[session]
                if not sessions:
                    del members[member]
                    gone.setdefault(group, set()).add(member)
        return gone

    async def attributes(self, group: str) -> dict[str, str] | None:
        values = self._attributes.get(group)
        return dict(values) if values is not None else None

    async def set_attributes(
        self, group: str, values: dict[str, str], *, replace: bool = False
    ) -> None:
        if replace:
            self._attributes[group] = dict(values)
        elif group in self._attributes:  # not loaded yet: the next reader loads it whole
            self._attributes[group].update(values)
