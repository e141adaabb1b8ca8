"""
Snoozed conversations reopen by themselves when ``snoozed_until`` comes.

Every server process runs one sweeper task on its event loop, started by the first request it
serves (``reopen_due_snoozes``, wrapped around the ASGI application in ``carbonchat/asgi.py``),
so the default ``scripts/run`` and a production deployment both reopen snoozes with nothing
else to run. Sweeps of several processes do not collide: ``conversation_reopen_due`` reopens
each conversation under a row lock, once. A failing sweep is logged and the next one runs.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from realtime.server.loop_local import LoopLocal

from .services.conversations import conversation_reopen_due

logger = logging.getLogger(__name__)

# Seconds between sweeps: a snooze ends at most this late.
DEFAULT_INTERVAL = 5.0


class SnoozeSweeper(LoopLocal):
    def __init__(self) -> None:
        self.task: asyncio.Task[None] | None = None

    def ensure_running(self) -> None:
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run(), name="snooze-sweeper")

    async def run(self) -> None:
        interval = float(getattr(settings, "SNOOZE_SWEEP_INTERVAL", DEFAULT_INTERVAL))
        while True:
            try:
                reopened = await database_sync_to_async(conversation_reopen_due)()
                if reopened:
                    logger.info("snooze: reopened %d conversations", reopened)
            except Exception:
                logger.exception("snooze: sweep failed; trying again in %.0f s", interval)
            await asyncio.sleep(interval)


ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def reopen_due_snoozes(application: ASGIApp) -> ASGIApp:
    """Wrap an ASGI application so its process sweeps due snoozes in the background."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            SnoozeSweeper.current().ensure_running()
        await application(scope, receive, send)

    return app
