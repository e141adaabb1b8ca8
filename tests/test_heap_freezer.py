"""Settled connections leave the cyclic GC's full passes; churn brings them back."""

import gc

import pytest

from realtime.daphne import heap_freezer
from realtime.daphne.heap_freezer import HeapFreezer


@pytest.fixture
def calls(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: seen.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: seen.append("unfreeze"))
    monkeypatch.setattr(gc, "collect", lambda generation=2: seen.append(f"collect{generation}"))
    monkeypatch.setattr(heap_freezer, "SETTLE_SECONDS", 0.05)
    return seen


async def test_a_wave_of_connections_is_frozen_once_and_growth_freezes_again(calls):
    import asyncio

    freezer = HeapFreezer()
    for _ in range(150):
        freezer.opened()
    assert calls == ["collect1", "freeze"]  # the wave grew past MIN_WAVE: frozen at once
    assert freezer.frozen_at == 100
    await asyncio.sleep(0.1)  # settled with 150 alive: not 20 % more than 100 and +100
    assert calls == ["collect1", "freeze"]
    for _ in range(60):
        freezer.opened()
    await asyncio.sleep(0.1)  # 210 alive: 100 more than at the last freeze
    assert calls == ["collect1", "freeze", "collect1", "freeze"]
    assert freezer.frozen_at == 210


async def test_enough_closes_unfreeze_so_dead_cycles_can_be_collected(calls):
    import asyncio

    freezer = HeapFreezer()
    for _ in range(400):
        freezer.opened()
    await asyncio.sleep(0.1)
    assert freezer.frozen_at == 400
    for _ in range(100):  # a quarter: still frozen
        freezer.closed()
    assert "unfreeze" not in calls
    freezer.closed()
    assert calls[-1] == "unfreeze" and freezer.frozen_at == 0
