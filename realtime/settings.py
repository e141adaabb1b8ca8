"""
The ``REALTIME`` setting: one namespaced dict with documented defaults.

    REALTIME = {"CHANNELS": {"RoomChannel": "myapp.channels.RoomChannel"}, "PING_INTERVAL": 3}

Read it through ``realtime_settings.NAME``; it is reloaded when tests override ``REALTIME``.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS: dict[str, Any] = {
    # Channel classes by the name clients put in the identifier's "channel" key.
    "CHANNELS": {},
    # The channel layer alias the hub listens on.
    "CHANNEL_LAYER": "default",
    # Prefix of channel-layer group names, one group per stream.
    "GROUP_PREFIX": "cable",
    # Seconds between pings. The stock client reconnects after 6 s without a frame.
    "PING_INTERVAL": 3.0,
    # Largest text frame accepted, in bytes (UTF-8). Larger: disconnect "frame_too_large".
    "MAX_FRAME_BYTES": 64 * 1024,
    # Longest identifier accepted, in characters. Longer: reject_subscription.
    "MAX_IDENTIFIER_LENGTH": 1024,
    # Subscriptions one connection may hold. More: reject_subscription.
    "MAX_SUBSCRIPTIONS": 64,
    # Commands per second per connection (sustained) and the burst allowed above it.
    # Past it: disconnect "too_many_commands".
    "COMMAND_RATE": 20.0,
    "COMMAND_BURST": 100,
    # Largest broadcast payload (bytes). daphne will not send a WebSocket message over 1 MiB
    # (its --websocket_max_message_size), so larger broadcasts are refused when published.
    "MAX_BROADCAST_BYTES": 1_000_000,
    # Output queued for one socket (bytes) past which its client is disconnected "too_slow".
    "MAX_QUEUED_BYTES": 4 * 1024 * 1024,
    # Seconds a slow client's socket may take to drain its last frames before it is aborted.
    "SLOW_CLIENT_GRACE": 5.0,
    # Origins allowed to open /cable (None: any). Others: disconnect "unauthorized".
    "ALLOWED_ORIGINS": None,
    # Server processes sharing this deployment; more than one needs a shared channel layer.
    "SERVER_PROCESSES": 1,
    # The shortcuts into daphne, autobahn and Twisted internals (realtime/daphne/): False turns
    # them all off, and frames go through plain ASGI send.
    "DAPHNE_SHORTCUTS": True,
    # Under daphne, send each frame at once instead of on the reactor's next turn (see
    # realtime/daphne/eager_writes.py): about twice the fan-out rate.
    "EAGER_WRITES": True,
    # Under daphne, write broadcast frames to the socket directly instead of through ASGI
    # send, daphne and autobahn (see realtime/daphne/frame_writer.py): the fan-out hot path.
    "DIRECT_FRAMES": True,
    # In a server process, move settled connections out of the cyclic GC's full passes
    # (gc.freeze, see realtime/daphne/heap_freezer.py): a full pass over 5,000 sockets took 0.5 s.
    "FREEZE_HEAP": True,
    # Request headers with underscores to accept under daphne, as their hyphenated spelling
    # (daphne drops every other underscored header; see realtime/daphne/underscore_headers.py).
    "UNDERSCORE_HEADERS": (),
    # Credentials masked in log lines (realtime/server/redaction.py): query parameters by name, and
    # regular expressions whose first group is masked.
    "REDACT_QUERY_PARAMS": ("pubsub_token", "token", "sid", "access_token", "api_access_token"),
    "REDACT_PATHS": (),
    # Stream history for resumable delivery (actioncable-v1-ext-json): the store (None: off),
    # how many messages and for how many seconds each stream keeps.
    "HISTORY_STORE": "realtime.delivery.history.memory.MemoryHistoryStore",
    "HISTORY_LIMIT": 100,
    "HISTORY_TTL": 300.0,
    # Seconds a connection to Redis (presence, history, direct publishing) may take to open,
    # and a command to answer, before it fails.
    "REDIS_CONNECT_TIMEOUT": 2.0,
    "REDIS_SOCKET_TIMEOUT": 2.0,
    # Presence: where it lives (in-process, or Redis for several processes) and its timings.
    "PRESENCE_STORE": "realtime.presence.memory.MemoryPresenceStore",
    # A session not refreshed for this long is offline (a crashed process's subscribers).
    # Live sockets are refreshed by the server every PRESENCE_TTL / 3, whatever the client does.
    "PRESENCE_TTL": 90.0,
    # A closed subscription's session lingers this long, so a page reload is no offline blip.
    "PRESENCE_GRACE": 3.0,
    # How often expired sessions are looked for.
    "PRESENCE_SWEEP_INTERVAL": 15.0,
    # Presence pushes for one group are coalesced into one per this many seconds.
    "PRESENCE_COALESCE": 1.0,
    # /metrics (realtime/server/metrics.py): a bearer token that opens it from anywhere; without
    # one, only direct (not proxied) requests from these networks are answered.
    "METRICS_TOKEN": None,
    "METRICS_NETWORKS": ("127.0.0.0/8", "::1/128"),
}


class NamespacedSettings:
    """Attribute access to one dict setting (``settings.REALTIME``) over its defaults, cached
    until reloaded. Other apps keep their own namespace with it (``CARBONCHAT``)."""

    def __init__(self, defaults: dict[str, Any], *, name: str = "REALTIME") -> None:
        self._defaults = defaults
        self._name = name
        self._cache: dict[str, Any] = {}
        self._listeners: list[Callable[[], None]] = []

    def on_reload(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every reload: what is built from the settings (stores, the
        channel registry) registers itself here, so this module imports none of them."""
        self._listeners.append(listener)

    @property
    def user_settings(self) -> dict[str, Any]:
        return getattr(settings, self._name, {}) or {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._defaults:
            raise AttributeError(f"Invalid {self._name} setting: {name!r}")
        if name not in self._cache:
            self._cache[name] = self.user_settings.get(name, self._defaults[name])
        return self._cache[name]

    def reload(self) -> None:
        self._cache.clear()
        for listener in self._listeners:
            listener()


realtime_settings = NamespacedSettings(DEFAULTS)


@receiver(setting_changed, dispatch_uid="realtime.settings.reload")
def _reload_realtime_settings(*, setting: str, **kwargs: Any) -> None:
    if setting in {"REALTIME", "CHANNEL_LAYERS"}:
        realtime_settings.reload()
