"""
realtime: an ActionCable-compatible cable server for Django Channels.

It owns the protocol, the connections, the channel registry, streams and delivery, and knows
nothing of any domain: a project registers its channel classes in ``settings.REALTIME``.

The public API is this package's top level::

    from realtime import Channel, action, broadcast

- ``Channel``, ``action``: what a project subclasses and decorates (``realtime.channel``);
- ``broadcast`` / ``abroadcast``, ``control`` / ``acontrol``: sending to streams
  (``realtime.delivery.broadcast``);
- ``channel_registry``, ``realtime_settings``: the configured channels and settings;
- ``CableTestClient``: a test client speaking the protocol (``realtime.testing``).

Beneath it: ``realtime.server`` (connections, the hub, sessions, limits, shutdown, health,
metrics), ``realtime.delivery`` (publishing, batching, stream history), ``realtime.presence``
and ``realtime.daphne`` (every shortcut into daphne, autobahn and Twisted internals).
Names resolve on first use, so importing ``realtime`` (as ``INSTALLED_APPS`` does, before
Django is set up) loads none of it.
"""

from importlib import import_module
from typing import Any

_PUBLIC = {
    "Channel": "realtime.channel",
    "action": "realtime.channel",
    "broadcast": "realtime.delivery.broadcast",
    "abroadcast": "realtime.delivery.broadcast",
    "control": "realtime.delivery.broadcast",
    "acontrol": "realtime.delivery.broadcast",
    "channel_registry": "realtime.registry",
    "realtime_settings": "realtime.settings",
    "CableTestClient": "realtime.testing",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'realtime' has no attribute {name!r}")
    return getattr(import_module(module), name)
