"""
Keeping long-lived sockets out of the cyclic garbage collector's full passes.

Each open connection is a few hundred Python objects (daphne's protocol, autobahn's state,
Twisted's transport, ours). A full (generation 2) collection walks all of them: at 5,000
sockets it took 0.5 s here, with nothing to collect, and every delivery waited for it (the
p99 spikes of cable_bench). ``carbonchat/asgi.py`` freezes the start-up heap; this does the
same for connections as they accumulate (at most once a second while a wave arrives, and once
it has settled): ``gc.freeze()`` moves every object alive to a permanent generation that
collections skip, in constant time.

Frozen objects that later become cyclic garbage (a closed connection's cycles) are not
collected while frozen, so after enough closes the heap is unfrozen: the next full collection
frees them, and the survivors are frozen again at the next settle.
"""

import asyncio
import gc

# Seconds without a new connection before a wave counts as settled; while one arrives, the
# heap is frozen at most once per MIN_INTERVAL.
SETTLE_SECONDS = 2.0
MIN_INTERVAL = 1.0
# Freeze again when the connections alive grew by this share (and at least MIN_WAVE).
GROWTH = 0.2
MIN_WAVE = 100
# Unfreeze when this share of the connections alive at the last freeze has closed.
CHURN = 0.25


class HeapFreezer:
    def __init__(self) -> None:
        self.live = 0
        self.frozen_at = 0  # connections alive at the last freeze
        self.closed_since_freeze = 0
        self.frozen_when = float("-inf")
        self._timer: asyncio.TimerHandle | None = None

    def opened(self) -> None:
        self.live += 1
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(SETTLE_SECONDS, self._settled)
        if loop.time() - self.frozen_when >= MIN_INTERVAL:
            self._freeze_if_grown()

    def closed(self) -> None:
        self.live -= 1
        self.closed_since_freeze += 1
        if self.frozen_at and self.closed_since_freeze > CHURN * self.frozen_at:
            gc.unfreeze()
            self.frozen_at = 0
            self.closed_since_freeze = 0

    def _settled(self) -> None:
        self._timer = None
        self._freeze_if_grown()

    def _freeze_if_grown(self) -> None:
        if self.live >= max(self.frozen_at * (1 + GROWTH), self.frozen_at + MIN_WAVE):
            gc.collect(1)  # the young generations' garbage is not worth keeping forever
            gc.freeze()
            self.frozen_at = self.live
            self.closed_since_freeze = 0
            self.frozen_when = asyncio.get_running_loop().time()
