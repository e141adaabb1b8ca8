"""
Sending many channel-layer group messages in one go.

channels_redis's ``RedisPubSubChannelLayer`` publishes each ``group_send`` under a lock on its
one connection: concurrent broadcasts queue behind each other, one Redis round trip each, so a
burst of 1,000 events costs 1,000 round trips in a row. For that layer with a single Redis
host, a batch is published instead by one script call on a connection of our own (one command
for redis-py to pack, where a pipeline of 1,000 ``PUBLISH`` cost ~20 µs each): each message
serialized by the layer itself and addressed to the Redis channel the layer subscribes to for
the group (``<prefix>__group__<group>``; ``tests/test_group_publisher.py`` checks it against a
real subscriber, so a change in channels_redis fails a test rather than production). Any other
layer gets plain concurrent ``group_send`` calls.
"""

import asyncio
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from realtime.settings import realtime_settings

_PUBSUB_LAYER = "channels_redis.pubsub.RedisPubSubChannelLayer"


_publishers: dict[str, Any] = {}


def _direct_publisher(alias: str) -> Any:
    """The direct publisher for layer ``alias``, or None when the layer is not one it
    knows how to address (another backend, several Redis hosts)."""
    if alias not in _publishers:
        config = settings.CHANNEL_LAYERS.get(alias, {})
        options = config.get("CONFIG", {})
        hosts = options.get("hosts") or []
        # A host is a URL, or a dict with its URL under "address" (and connection options).
        host = hosts[0] if len(hosts) == 1 else None
        url = host.get("address") if isinstance(host, dict) else host
        suitable = config.get("BACKEND") == _PUBSUB_LAYER and isinstance(url, str)
        if suitable:
            # Only a project with channels_redis (the redis extra) gets here.
            from realtime.delivery.redis_publisher import ScriptedPublisher

            _publishers[alias] = ScriptedPublisher(url, options.get("prefix", "asgi"))
        else:
            _publishers[alias] = None
    return _publishers[alias]


@receiver(setting_changed)
def reset_group_publishers(*, setting: str = "CHANNEL_LAYERS", **kwargs: Any) -> None:
    """Forget publishers when the channel layers change (tests)."""
    if setting == "CHANNEL_LAYERS":
        _publishers.clear()


async def group_send_many(layer: Any, messages: list[tuple[str, dict[str, Any]]]) -> None:
    """``layer.group_send(group, message)`` for each pair, in order per group."""
    if not messages:
        return
    publisher = _direct_publisher(realtime_settings.CHANNEL_LAYER)
    if publisher is not None:
        await publisher.publish(layer, messages)
        return
    await asyncio.gather(*(layer.group_send(group, message) for group, message in messages))
