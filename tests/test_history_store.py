"""Both history stores, under a controlled clock: positions, replay, trimming, epochs."""

import uuid

import pytest

from realtime.delivery.history.memory import MemoryHistoryStore
from realtime.delivery.history.redis import RedisHistoryStore
from realtime.delivery.history.store import HistoryUnavailable

from .services import require_redis


class Clock:
    def __init__(self) -> None:
        self.now = 2_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def store(request, settings):
    settings.REALTIME = {**settings.REALTIME, "HISTORY_LIMIT": 5, "HISTORY_TTL": 300.0}
    if request.param == "memory":
        return MemoryHistoryStore(clock=Clock())
    return RedisHistoryStore(clock=Clock(), url=require_redis(), prefix=f"h{uuid.uuid4().hex}")


async def test_offsets_increase_per_stream_within_one_epoch(store):
    first = await store.append(["a", "b"], "p1")
    second = await store.append(["a"], "p2")
    assert first["a"][1] == 1 and first["b"][1] == 1 and second["a"][1] == 2
    assert first["a"][0] == first["b"][0] == second["a"][0]


async def test_after_replays_in_order_and_refuses_what_is_gone(store):
    for n in range(1, 8):  # the limit keeps the last five: offsets 3..7
        positions = await store.append(["s"], f"m{n}")
    epoch = positions["s"][0]
    assert [e.payload for e in await store.after("s", epoch, 4)] == ["m5", "m6", "m7"]
    assert await store.after("s", epoch, 7) == []
    with pytest.raises(HistoryUnavailable):
        await store.after("s", epoch, 1)  # the client needs offset 2, which was dropped
    with pytest.raises(HistoryUnavailable):
        await store.after("s", "another-epoch", 5)


async def test_since_replays_by_time_within_the_ttl(store):
    await store.append(["s"], "old")
    store.clock.now += 100
    mark = store.clock.now
    await store.append(["s"], "new")
    positions = await store.append(["t"], "other stream")
    epoch, entries = await store.since("s", mark)
    assert epoch == positions["t"][0]  # one epoch for the whole store
    assert [e.payload for e in entries] == ["new"] and entries[0].offset == 2
    store.clock.now += 400
    with pytest.raises(HistoryUnavailable):
        await store.since("s", mark)  # older than the history keeps


async def test_a_batch_of_appends_takes_offsets_in_the_order_the_broadcasts_were_made(store):
    first = await store.append(["a"], "a1")
    batch = await store.append_many([(["a", "b"], "ab"), (["b"], "b2"), (["a"], "a3")])
    epoch = first["a"][0]
    assert batch == [
        {"a": (epoch, 2), "b": (epoch, 1)},
        {"b": (epoch, 2)},
        {"a": (epoch, 3)},
    ]
    assert [e.payload for e in await store.after("a", epoch, 0)] == ["a1", "ab", "a3"]
    assert [e.payload for e in await store.after("b", epoch, 0)] == ["ab", "b2"]
