"""Every shortcut CarbonChat takes into daphne, autobahn and Twisted internals, in one place.

Measured on daphne 4.2.3, autobahn 26.11.1 and Twisted 26.10.0 (each module says what it saves
and how it was measured):

- ``eager_writes`` (``EAGER_WRITES``): Twisted's TCP ``write`` sends at once, not on the next
  reactor turn;
- ``frame_writer`` (``DIRECT_FRAMES``): broadcast frames go straight to the socket, not
  through ASGI ``send``;
- ``heap_freezer`` (``FREEZE_HEAP``): settled connections leave the cyclic GC's full passes;
- ``lazy_autobahn_logs``: autobahn's debug-log arguments are formatted only if logged;
- ``backpressure``: reads a socket's queued bytes, for the ``too_slow`` limit;
- ``underscore_headers`` (``UNDERSCORE_HEADERS``): lets ``api_access_token`` through
  daphne's underscore guard.

``REALTIME["DAPHNE_SHORTCUTS"] = False`` turns the first five off: frames then go through
plain ASGI ``send`` and nothing of daphne's is patched for speed (a slow client is then only
held back by daphne's own buffers: ``too_slow`` cannot be told). The header rewrite stays
(without it no Chatwoot client authenticates under daphne); empty ``UNDERSCORE_HEADERS`` to
drop it too. The access-log redaction (``realtime.server.redaction``) is not a shortcut.

``REQUIRES`` names what each relies on; ``missing()`` says what an installed daphne, autobahn
or Twisted no longer has. The system check ``realtime.E007`` fails start-up on it, and
``tests/test_daphne_shortcuts.py`` fails, rather than a shortcut falling back in silence.
"""

import importlib
import inspect
from typing import Any

from realtime.settings import realtime_settings

# (module, attribute path) each shortcut reads or patches; "function:name" where the name is
# an instance attribute that function sets (it must appear in its source).
REQUIRES: dict[str, tuple[tuple[str, str], ...]] = {
    "eager_writes": (
        ("twisted.internet.tcp", "Connection.write"),
        ("twisted.internet.abstract", "FileDescriptor.offset"),
        ("twisted.internet.abstract", "FileDescriptor.dataBuffer"),
        ("twisted.internet.abstract", "FileDescriptor._writeDisconnected"),
        ("twisted.internet.abstract", "FileDescriptor.__init__:_tempDataBuffer"),
    ),
    "frame_writer": (
        ("autobahn.websocket.protocol", "WebSocketProtocol.STATE_OPEN"),
        ("daphne.ws_protocol", "WebSocketProtocol"),
    ),
    "backpressure": (
        ("twisted.internet.abstract", "FileDescriptor.__init__:_tempDataLen"),
        # daphne's ASGI send is partial(Server.handle_reply, protocol): the protocol is read
        # from it.
        ("daphne.server", "Server.create_application:partial(self.handle_reply, protocol)"),
    ),
    "lazy_autobahn_logs": (
        ("autobahn.websocket.protocol", "pformat"),
        ("autobahn.websocket.protocol", "hltype"),
        ("autobahn.websocket.protocol", "hlval"),
        ("autobahn.websocket.protocol", "Timings"),
    ),
    "underscore_headers": (("daphne.http_protocol", "WebRequest.process"),),
    "heap_freezer": (("gc", "freeze"), ("gc", "unfreeze")),
}


def enabled(setting: str | None = None) -> bool:
    """Whether the speed shortcuts are on (and, given one, its own setting too)."""
    if not realtime_settings.DAPHNE_SHORTCUTS:
        return False
    return bool(getattr(realtime_settings, setting)) if setting else True


def missing() -> list[str]:
    """What the shortcuts rely on and the installed packages lack, as ``module:attribute``."""
    absent = []
    for needs in REQUIRES.values():
        for module_name, path in needs:
            try:
                target: Any = importlib.import_module(module_name)
            except ImportError:
                absent.append(f"{module_name} (not installed)")
                continue
            attributes, _, in_source = path.partition(":")
            for part in attributes.split("."):
                target = getattr(target, part, _MISSING)
                if target is _MISSING:
                    break
            if target is _MISSING or (in_source and in_source not in _source(target)):
                absent.append(f"{module_name}:{path}")
    return absent


def _source(function: Any) -> str:
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


_MISSING = object()
