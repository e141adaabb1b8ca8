"""
Graceful shutdown under daphne: every socket hears ``server_restart`` before the process exits.

daphne cancels application tasks from a Twisted "before shutdown" trigger, but that trigger
raises ``KeyError: 'application_instance'`` whenever a connection has no application instance
(seen for about a second after every WebSocket upgrade, daphne 4.2.3), and then cancels nothing.
So the hub registers its own trigger, which Twisted runs even when daphne's fails.
"""

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)


def on_server_shutdown(callback: Callable[[], Awaitable[None]]) -> bool:
    """Run ``callback`` before the Twisted reactor shuts down, if one is running this process."""
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None or not getattr(reactor, "running", False):
        return False
    from twisted.internet.defer import Deferred

    def trigger() -> Deferred:
        return Deferred.fromFuture(asyncio.ensure_future(callback()))

    reactor.addSystemEventTrigger("before", "shutdown", trigger)
    return True
