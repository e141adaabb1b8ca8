"""
Sending to streams from anywhere: a view, a signal receiver, a management command, the shell.

A message is encoded once and handed to the channel layer once per stream (one PUBLISH each
with ``RedisPubSubChannelLayer``), whatever the number of sockets behind it. Broadcasts made at
the same time are published together (``Publisher``): one history round trip and one publishing
round trip for the whole batch.
"""

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from realtime import protocol
from realtime.delivery.batching import Batcher
from realtime.delivery.envelope import BROADCAST, CONTROL
from realtime.delivery.group_publisher import group_send_many
from realtime.delivery.history.store import history_store
from realtime.delivery.streams import group_name
from realtime.server import metrics
from realtime.server.loop_local import LoopLocal
from realtime.settings import realtime_settings


class MessageTooLarge(ValueError):
    """A broadcast larger than ``REALTIME["MAX_BROADCAST_BYTES"]``: no socket could receive it."""


def encode(message: Mapping[str, Any] | str) -> str:
    payload = message if isinstance(message, str) else protocol.dumps(message)
    limit = realtime_settings.MAX_BROADCAST_BYTES
    if len(payload) > limit // 4 and len(payload.encode("utf-8")) > limit:
        metrics.FRAMES_LOST.labels("too_large").inc()
        raise MessageTooLarge(f"a {len(payload)}-character broadcast exceeds {limit} bytes")
    return payload


async def abroadcast(
    streams: Iterable[str],
    message: Mapping[str, Any] | str,
    *,
    exclude: str | None = None,
    only: str | None = None,
) -> None:
    """Send ``message`` to every subscription following any of ``streams``.

    ``exclude`` is a subscriber key (``Channel.subscriber_key``) that does not receive it;
    ``only``, the one subscriber key that does (a message for one user, on a shared stream:
    no channel-layer group per user).
    A subscription following several of the streams receives it once per stream, so callers
    pick streams that do not overlap for one subscriber.
    """
    outgoing = Outgoing(tuple(dict.fromkeys(streams)), encode(message), exclude, only)
    await Publisher.current().publish(outgoing)


@dataclass(frozen=True, slots=True)
class Outgoing:
    streams: tuple[str, ...]
    payload: str
    exclude: str | None
    only: str | None = None

    @property
    def kept(self) -> bool:
        # Kept in each stream's history with its position, so reconnecting clients can catch
        # up. A broadcast that skips someone (typing indicators) is ephemeral, and one for a
        # single subscriber is never in a stream's shared history (a replay to another
        # subscriber of the stream would hand it over): no history.
        return self.exclude is None and self.only is None


class Publisher(LoopLocal):
    """This process's broadcasts, published in batches.

    Broadcasts made together (a bulk action, concurrent requests, a burst of presence pushes)
    cost one history round trip and one publishing round trip between them, not two each.
    Each stream's offsets, and the order its messages are published in, follow the order in
    which the broadcasts were made.
    """

    def __init__(self) -> None:
        self._batcher: Batcher[Outgoing, None] = Batcher(self._publish_many, name="broadcast")

    async def publish(self, outgoing: Outgoing) -> None:
        await self._batcher.load(outgoing)

    async def _publish_many(self, batch: list[Outgoing]) -> list[None]:
        metrics.BROADCASTS.inc(len(batch))
        history = history_store()
        kept = [item for item in batch if item.kept] if history is not None else []
        positions: dict[int, dict[str, tuple[str, int]]] = {}
        if kept:
            assert history is not None
            appended = await history.append_many([(list(i.streams), i.payload) for i in kept])
            positions = {id(item): where for item, where in zip(kept, appended, strict=True)}
        messages = []
        for item in batch:
            where = positions.get(id(item), {})
            for stream in item.streams:
                envelope = {
                    "type": BROADCAST,
                    "stream": stream,
                    "payload": item.payload,
                    "exclude": item.exclude,
                    "only": item.only,
                }
                if stream in where:
                    envelope["epoch"], envelope["offset"] = where[stream]
                messages.append((group_name(stream), envelope))
        layer = get_channel_layer(realtime_settings.CHANNEL_LAYER)
        await group_send_many(layer, messages)
        return [None] * len(batch)


async def acontrol(
    streams: Iterable[str], message: Mapping[str, Any], *, only: str | None = None
) -> None:
    """Send a control message to the channels following ``streams`` (never to sockets).

    ``only``: a subscriber key (``Channel.subscriber_key``); just that subscriber's channels
    get it. One shared stream then serves every subscriber's control messages, so a server
    process needs no channel-layer subscription per user.
    """
    layer = get_channel_layer(realtime_settings.CHANNEL_LAYER)
    envelope = {**message, "type": CONTROL, "only": only}
    await asyncio.gather(
        *(
            layer.group_send(group_name(stream), {**envelope, "stream": stream})
            for stream in dict.fromkeys(streams)
        )
    )


broadcast = async_to_sync(abroadcast)
control = async_to_sync(acontrol)
