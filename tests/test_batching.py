"""Batching concurrent lookups: one call per batch, answers in order, a failure to its own."""

import asyncio

import pytest

from realtime.delivery.batching import Batcher


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[int]] = []
        self.fail = fail
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, keys: list[int]) -> list[int]:
        self.calls.append(list(keys))
        await self.gate.wait()
        if self.fail:
            raise RuntimeError("store down")
        return [key * 10 for key in keys]


async def test_concurrent_requests_share_one_call_and_get_their_own_answers():
    load = Recorder()
    batcher = Batcher(load)
    assert await asyncio.gather(*(batcher.load(n) for n in range(50))) == [
        n * 10 for n in range(50)
    ]
    assert load.calls == [list(range(50))]


async def test_requests_made_while_a_batch_runs_form_the_next_batch():
    load = Recorder()
    load.gate.clear()
    batcher = Batcher(load)
    first = [asyncio.create_task(batcher.load(n)) for n in range(3)]
    await asyncio.sleep(0.01)  # the first batch is in flight, held at the gate
    second = [asyncio.create_task(batcher.load(n)) for n in range(3, 8)]
    await asyncio.sleep(0.01)
    assert load.calls == [[0, 1, 2]]  # one batch in flight at a time
    load.gate.set()
    assert await asyncio.gather(*first, *second) == [n * 10 for n in range(8)]
    assert load.calls == [[0, 1, 2], [3, 4, 5, 6, 7]]


async def test_batches_are_bounded_in_size():
    load = Recorder()
    batcher = Batcher(load, max_batch=4)
    await asyncio.gather(*(batcher.load(n) for n in range(10)))
    assert [len(call) for call in load.calls] == [4, 4, 2]


async def test_a_failed_batch_fails_each_request_and_the_next_batch_runs():
    load = Recorder(fail=True)
    batcher = Batcher(load)
    results = await asyncio.gather(*(batcher.load(n) for n in range(3)), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    load.fail = False
    assert await batcher.load(7) == 70


async def test_one_key_that_makes_the_batch_fail_fails_only_its_own_request():
    async def load(keys: list[int]) -> list[int]:
        if 13 in keys:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return [key * 10 for key in keys]

    batcher = Batcher(load)
    results = await asyncio.gather(*(batcher.load(n) for n in range(20)), return_exceptions=True)
    assert isinstance(results[13], OverflowError)
    assert [r for n, r in enumerate(results) if n != 13] == [n * 10 for n in range(20) if n != 13]


async def test_a_request_cancelled_before_its_batch_is_not_looked_up():
    load = Recorder()
    load.gate.clear()
    batcher = Batcher(load)
    running = asyncio.create_task(batcher.load(1))
    await asyncio.sleep(0.01)
    gone = asyncio.create_task(batcher.load(2))
    kept = asyncio.create_task(batcher.load(3))
    await asyncio.sleep(0.01)
    gone.cancel()  # its socket closed while it waited
    load.gate.set()
    assert await running == 10 and await kept == 30
    assert load.calls == [[1], [3]]


async def test_a_load_many_returning_the_wrong_number_of_answers_is_an_error():
    async def short(keys: list[int]) -> list[int]:
        return keys[:-1]

    batcher = Batcher(short, name="short")
    with pytest.raises(RuntimeError, match="short: load_many returned 1 values for 2 keys"):
        await asyncio.gather(batcher.load(1), batcher.load(2))
