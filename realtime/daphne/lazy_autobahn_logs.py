"""
Lazy debug-log arguments in autobahn, the WebSocket layer under daphne.

autobahn formats its debug-log arguments before calling the logger, so the work is done even
though debug logging is off: on every accepted connection ``_connectionMade`` pretty-prints its
~36 configuration attributes (``pformat``), and every frame sent colours its own method name
(``hltype``, ``hlval``). Profiled on a 2,000-socket subscribe burst, ``pformat`` alone was ~10 %
of the server's CPU. This swaps those helpers, in autobahn's protocol module only, for versions
that do the formatting if and when a log line is actually written (txaio's logger formats its
arguments with ``str.format``, which calls ``__format__``).
"""

import pprint
import sys
from collections.abc import Callable
from typing import Any

_enabled = False


class _Deferred:
    """A log argument computed on first formatting."""

    __slots__ = ("_args", "_function")

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._function = function
        self._args = args

    def __format__(self, spec: str) -> str:
        return format(self._function(*self._args), spec)

    def __str__(self) -> str:
        return str(self._function(*self._args))

    __repr__ = __str__


def _deferring(function: Callable[..., Any]) -> Callable[..., _Deferred]:
    def deferred(*args: Any) -> _Deferred:
        return _Deferred(function, *args)

    return deferred


def enable_lazy_autobahn_logs() -> bool:
    """Patch autobahn's protocol module, once, if it is loaded (it is under daphne)."""
    global _enabled
    if _enabled:
        return True
    protocol = sys.modules.get("autobahn.websocket.protocol")
    if protocol is None:
        return False
    for name in ("pformat", "hltype", "hlval"):
        setattr(protocol, name, _deferring(getattr(protocol, name)))
    # The module's one use of pformat outside a log call must still return a string.
    protocol.Timings.__str__ = lambda self: pprint.pformat(self._timings)  # type: ignore[method-assign]
    _enabled = True
    return True
