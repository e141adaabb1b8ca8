"""Broadcasts made together are published together, in order, and reach real subscribers.

Runs against a real Redis channel layer: the direct publisher addresses channels_redis's
group channels itself, so this is where a change in channels_redis would show.
"""

import asyncio

from channels.layers import get_channel_layer

from realtime.delivery.broadcast import Publisher, abroadcast
from realtime.delivery.group_publisher import _direct_publisher, group_send_many
from realtime.delivery.streams import group_name


async def test_a_published_batch_reaches_a_channels_redis_group_subscriber_in_order(redis_layer):
    layer = get_channel_layer()
    assert _direct_publisher("default") is not None  # pub/sub layer, one host
    channel = await layer.new_channel()
    await layer.group_add("cable.pipelined", channel)
    await group_send_many(layer, [("cable.pipelined", {"type": "t", "n": n}) for n in range(20)])
    received = [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(20)]
    assert [m["n"] for m in received] == list(range(20))
    await layer.group_discard("cable.pipelined", channel)


async def test_concurrent_broadcasts_go_out_in_one_batch_with_positions_in_call_order(
    redis_layer, monkeypatch
):
    batches: list[int] = []
    publish_many = Publisher._publish_many

    async def recording(self, batch):
        batches.append(len(batch))
        return await publish_many(self, batch)

    monkeypatch.setattr(Publisher, "_publish_many", recording)
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_name("batch.test"), channel)
    await asyncio.gather(
        *(abroadcast(["batch.test"], {"event": "n", "data": {"n": n}}) for n in range(100))
    )
    received = [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(100)]
    assert [m["payload"] for m in received] == [
        '{"event":"n","data":{"n":' + str(n) + "}}" for n in range(100)
    ]
    offsets = [m["offset"] for m in received]
    assert offsets == list(range(offsets[0], offsets[0] + 100))
    assert sum(batches) == 100 and len(batches) <= 2, batches
    await layer.group_discard(group_name("batch.test"), channel)
