"""
The presence tracker: one per server process (event loop).

It enters a session in the store for every live subscription that asks, keeps all of this
process's sessions alive from one timer (so a socket that stays open is never shown offline,
however rarely a throttled background tab sends its heartbeat), removes a closed subscription's
session after a short grace (a page reload is not an offline blip), sweeps expired sessions (a
crashed process's subscribers go offline within ``PRESENCE_TTL``), and sends the
``presence_changed`` signal for every member that comes online or goes offline.
"""

import asyncio
import logging
import uuid

from django.dispatch import Signal

from realtime.delivery.batching import Batcher
from realtime.presence.store import Entry, presence_store
from realtime.server.loop_local import LoopLocal
from realtime.settings import realtime_settings

logger = logging.getLogger(__name__)

# sender: PresenceTracker; kwargs: group, member, online (bool). Receivers run on the event
# loop and must not block: schedule work, do not do it.
presence_changed = Signal()

# The keeper refreshes a tenth of the sessions at a time (each session once per period).
REFRESH_SLICES = 10


class PresenceTracker(LoopLocal):
    def __init__(self) -> None:
        self.store = presence_store()
        self._local: dict[str, tuple[str, str]] = {}  # session -> (group, member)
        self._tasks: set[asyncio.Task[None]] = set()
        self._keeper: asyncio.Task[None] | None = None
        # Subscribes and heartbeats arrive in bursts: their store writes go in batches.
        self._adding: Batcher[Entry, bool] = Batcher(self._add_many, name="presence-add")

    async def _add_many(self, entries: list[Entry]) -> list[bool]:
        return await self.store.add_many(entries, ttl=self.ttl)

    @property
    def ttl(self) -> float:
        return float(realtime_settings.PRESENCE_TTL)

    async def enter(self, group: str, member: str) -> str:
        """Start a session of ``member`` in ``group``; returns the session id."""
        session = uuid.uuid4().hex
        self._local[session] = (group, member)
        self._ensure_keeper()
        if await self._adding.load((group, member, session)):
            self._announce(group, member, online=True)
        return session

    async def touch(self, session: str) -> None:
        """A heartbeat: extend the session now."""
        entry = self._local.get(session)
        if entry is not None and await self._adding.load((*entry, session)):
            self._announce(*entry, online=True)

    def leave(self, session: str) -> None:
        """End a session after ``PRESENCE_GRACE`` seconds (a reload re-enters before then)."""
        entry = self._local.pop(session, None)
        if entry is None:
            return
        self._spawn(self._leave_later(session, *entry))

    async def _leave_later(self, session: str, group: str, member: str) -> None:
        await asyncio.sleep(float(realtime_settings.PRESENCE_GRACE))
        if await self.store.remove(group, member, session):
            self._announce(group, member, online=False)

    def _announce(self, group: str, member: str, *, online: bool) -> None:
        for _, response in presence_changed.send_robust(
            sender=PresenceTracker, group=group, member=member, online=online
        ):
            if isinstance(response, Exception):
                logger.error("presence: a presence_changed receiver failed", exc_info=response)

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _ensure_keeper(self) -> None:
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep_alive(), name="presence-keeper")

    async def _keep_alive(self) -> None:
        """Refresh this process's sessions and sweep expired ones, until none are left.

        Every session is refreshed once per ``PRESENCE_TTL / 3``, a slice at a time: with
        thousands of sockets, refreshing all at once is tens of thousands of Redis commands in
        one go, which held up deliveries for a second every period (seen in cable_bench at
        5,000 sockets); in slices the same work is spread evenly.
        """
        refresh_every = self.ttl / 3
        tick = refresh_every / REFRESH_SLICES
        sweep_every = float(realtime_settings.PRESENCE_SWEEP_INTERVAL)
        loop = asyncio.get_running_loop()
        next_sweep = loop.time() + sweep_every
        part = 0
        while True:
            await asyncio.sleep(min(tick, sweep_every))
            try:
                await self.refresh(part=part, of=REFRESH_SLICES)
                part = (part + 1) % REFRESH_SLICES
                if loop.time() >= next_sweep:
                    next_sweep = loop.time() + sweep_every
                    await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("presence: refresh or sweep failed; retrying")

    async def refresh(self, *, part: int = 0, of: int = 1) -> None:
        """Extend this process's sessions (its sockets are open, so they are online): all of
        them, or with ``part``/``of`` the ``part``-th of ``of`` fixed slices."""
        entries = [
            (group, member, session)
            for session, (group, member) in self._local.items()
            if of == 1 or hash(session) % of == part
        ]
        if entries:
            await self.store.refresh(entries, ttl=self.ttl)

    async def sweep(self) -> None:
        """Announce the members whose sessions all expired (their process died)."""
        for group, members in (await self.store.sweep()).items():
            for member in members:
                self._announce(group, member, online=False)
