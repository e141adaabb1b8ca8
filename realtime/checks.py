"""System checks for the cable server's configuration (IDs ``realtime.E0xx`` / ``W0xx``)."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from realtime.settings import DEFAULTS, realtime_settings

IN_PROCESS_LAYERS = {"channels.layers.InMemoryChannelLayer"}
QUEUE_LAYERS = {"channels_redis.core.RedisChannelLayer"}


@register("realtime")
def check_realtime_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    unknown = set(realtime_settings.user_settings) - set(DEFAULTS)
    if unknown:
        messages.append(
            Error(
                f"Unknown REALTIME settings: {', '.join(sorted(unknown))}.",
                hint=f"Known settings: {', '.join(sorted(DEFAULTS))}.",
                id="realtime.E001",
            )
        )
    for name in (
        "PING_INTERVAL",
        "MAX_FRAME_BYTES",
        "MAX_IDENTIFIER_LENGTH",
        "MAX_SUBSCRIPTIONS",
        "MAX_QUEUED_BYTES",
        "SLOW_CLIENT_GRACE",
        "MAX_BROADCAST_BYTES",
        "COMMAND_RATE",
        "COMMAND_BURST",
        "SERVER_PROCESSES",
        "PRESENCE_TTL",
        "PRESENCE_GRACE",
        "PRESENCE_SWEEP_INTERVAL",
        "PRESENCE_COALESCE",
    ):
        value = getattr(realtime_settings, name)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            messages.append(
                Error(
                    f"REALTIME[{name!r}] must be a positive number, not {value!r}.",
                    id="realtime.E002",
                )
            )
    try:
        from realtime.registry import channel_registry

        channel_registry.reload()
        channel_registry.names()
    except Exception as exc:
        messages.append(Error(f"REALTIME['CHANNELS'] cannot be loaded: {exc}", id="realtime.E003"))
    messages.extend(_check_channel_layer())
    messages.extend(_check_presence())
    return messages


def _check_channel_layer() -> list[CheckMessage]:
    alias = realtime_settings.CHANNEL_LAYER
    layers = getattr(settings, "CHANNEL_LAYERS", {}) or {}
    if alias not in layers:
        return [
            Error(
                f"CHANNEL_LAYERS has no {alias!r} layer; /cable cannot deliver broadcasts.",
                hint="Configure CHANNEL_LAYERS or set REALTIME['CHANNEL_LAYER'].",
                id="realtime.E004",
            )
        ]
    backend = layers[alias].get("BACKEND", "")
    processes = realtime_settings.SERVER_PROCESSES
    if backend in IN_PROCESS_LAYERS and isinstance(processes, int) and processes > 1:
        return [
            Error(
                f"{processes} server processes share an in-process channel layer: a broadcast "
                "made in one process never reaches sockets held by another.",
                hint="Set REDIS_URL (RedisPubSubChannelLayer) or run a single process.",
                id="realtime.E005",
            )
        ]
    if backend in QUEUE_LAYERS:
        return [
            Warning(
                "RedisChannelLayer drops group messages silently once a process is 'capacity' "
                "messages behind, and forgets group members after group_expiry.",
                hint="Use channels_redis.pubsub.RedisPubSubChannelLayer for /cable.",
                id="realtime.W001",
            )
        ]
    return []


def _check_presence() -> list[CheckMessage]:
    processes = realtime_settings.SERVER_PROCESSES
    store = realtime_settings.PRESENCE_STORE
    if store.endswith("MemoryPresenceStore") and isinstance(processes, int) and processes > 1:
        return [
            Error(
                f"{processes} server processes keep presence in process memory: each would "
                "see only its own subscribers.",
                hint="Set REDIS_URL (RedisPresenceStore) or run a single process.",
                id="realtime.E006",
            )
        ]
    return []


@register()
def check_daphne_shortcuts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """realtime.E007: a daphne shortcut is on but what it relies on is gone (an upgrade)."""
    from realtime import daphne

    if not daphne.enabled():
        return []
    missing = daphne.missing()
    if not missing:
        return []
    return [
        Error(
            "realtime/daphne/ relies on internals the installed daphne, autobahn or Twisted "
            f"lack: {', '.join(missing)}.",
            hint='Pin the versions realtime/daphne/ names, or set REALTIME["DAPHNE_SHORTCUTS"] '
            "= False to run on plain ASGI send.",
            id="realtime.E007",
        )
    ]
