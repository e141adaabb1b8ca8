"""
Sending to streams from anywhere: a view, a signal receiver, a management command, the shell.

A message is encoded once and handed to the channel layer once per stream (one PUBLISH each
with ``RedisPubSubChannelLayer``), concurrently, whatever the number of sockets behind it.
"""

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from . import protocol
from .history.store import history_store
from .hub import BROADCAST, CONTROL
from .settings import realtime_settings
from .streams import group_name


class MessageTooLarge(ValueError):
    """A broadcast larger than ``REALTIME["MAX_BROADCAST_BYTES"]``: no socket could receive it."""


def encode(message: Mapping[str, Any] | str) -> str:
    payload = message if isinstance(message, str) else protocol.dumps(message)
    limit = realtime_settings.MAX_BROADCAST_BYTES
    if len(payload) > limit // 4 and len(payload.encode("utf-8")) > limit:
        raise MessageTooLarge(f"a {len(payload)}-character broadcast exceeds {limit} bytes")
    return payload


async def abroadcast(
    streams: Iterable[str], message: Mapping[str, Any] | str, *, exclude: str | None = None
) -> None:
    """Send ``message`` to every subscription following any of ``streams``.

    ``exclude`` is a subscriber key (``Channel.subscriber_key``) that does not receive it.
    A subscription following several of the streams receives it once per stream, so callers
    pick streams that do not overlap for one subscriber.
    """
    payload = encode(message)
    targets = list(dict.fromkeys(streams))
    layer = get_channel_layer(realtime_settings.CHANNEL_LAYER)
    # Kept in each stream's history with its position, so reconnecting clients can catch up.
    # A broadcast that skips someone (typing indicators) is ephemeral: no history, no position.
    history = history_store()
    positions = await history.append(targets, payload) if history and exclude is None else {}

    def envelope(stream: str) -> dict[str, Any]:
        message = {"type": BROADCAST, "stream": stream, "payload": payload, "exclude": exclude}
        if stream in positions:
            message["epoch"], message["offset"] = positions[stream]
        return message

    await asyncio.gather(
        *(layer.group_send(group_name(stream), envelope(stream)) for stream in targets)
    )


async def acontrol(streams: Iterable[str], message: Mapping[str, Any]) -> None:
    """Send a control message to the channels following ``streams`` (never to sockets)."""
    layer = get_channel_layer(realtime_settings.CHANNEL_LAYER)
    await asyncio.gather(
        *(
            layer.group_send(group_name(stream), {**message, "type": CONTROL, "stream": stream})
            for stream in dict.fromkeys(streams)
        )
    )


broadcast = async_to_sync(abroadcast)
control = async_to_sync(acontrol)
