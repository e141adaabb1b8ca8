"""One instance per running event loop: the hub, the presence tracker, the presence notifier.

Each server process runs one loop, so this is one per process; tests run a loop per test and
get fresh instances (asyncio objects must not cross loops).
"""

import asyncio
import weakref
from typing import Any, ClassVar, Self


class LoopLocal:
    _instances: ClassVar["weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any]"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._instances = weakref.WeakKeyDictionary()

    @classmethod
    def current(cls) -> Self:
        """The instance of the running event loop, made on first use."""
        loop = asyncio.get_running_loop()
        instance = cls._instances.get(loop)
        if instance is None:
            instance = cls._instances[loop] = cls()
        return instance
