"""Operations: /healthz, /readyz (database, Redis, the hub's reader, each named when it
fails) and /metrics in Prometheus format, counted against what clients actually received."""

import asyncio
import re
import urllib.request

import pytest
from django.test import Client

from conversations import streams
from realtime.delivery.broadcast import abroadcast

from .audience import agent_identifier
from .live import (
    DaphneServer,
    SocketClient,
    new_prefix,
    run_bench,
    server_environment,
    shared_layer,
)


def test_healthz_and_readyz_in_process(world):
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["hub"]["ok"] is True


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition text (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        match = re.match(r"^([a-z_]+)(?:\{(.*)\})? (\S+)$", line)
        if match and match[1] == name:
            got = ",".join(sorted(p for p in (match[2] or "").split(",") if p))
            if got == wanted:
                return float(match[3])
    return 0.0


def scrape(port: int, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def ready(port: int) -> tuple[int, dict]:
    import json

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.server
@pytest.mark.redis
async def test_metrics_count_what_clients_received(world, live_server_factory):
    server = live_server_factory()
    _, before = await asyncio.to_thread(scrape, server.port)
    sockets = []
    for _ in range(3):
        client = await SocketClient.connect(server.url)
        assert await client.subscribe(agent_identifier(world.agent, world.account)) == (
            "confirm_subscription"
        )
        sockets.append(client)
    intruder = await SocketClient.connect(server.url)
    forged = {**agent_identifier(world.agent, world.account), "pubsub_token": "forged"}
    assert await intruder.subscribe(forged) == "reject_subscription"
    for n in range(4):
        await abroadcast([streams.inbox_agents(world.inbox.id)], {"event": "tick", "data": n})
    for client in sockets:
        for n in range(4):
            frame = await client.receive(lambda f: (f.get("message") or {}).get("event") == "tick")
            assert frame["message"]["data"] == n
    status, after = await asyncio.to_thread(scrape, server.port)
    assert status == 200
    # Whatever else was delivered (presence updates), the 12 ticks were among the frames.
    delivered = metric(after, "cable_deliveries_total") - metric(before, "cable_deliveries_total")
    assert delivered >= 12
    assert metric(after, "cable_sockets") == 4
    assert metric(after, "cable_subscriptions", channel="RoomChannel") == 3
    assert metric(after, "cable_subscribes_total", result="accepted", reason="") >= 3
    assert metric(after, "cable_subscribes_total", result="rejected", reason="unauthorized") == 1
    assert metric(after, "cable_fanout_seconds_count") >= 4
    assert 'http_request_duration_seconds_count{method="GET",route="metrics",status="200"}' in after
    for client in [*sockets, intruder]:
        await client.close()


@pytest.mark.server
@pytest.mark.redis
def test_metrics_are_for_operators_only(world, live_server_factory):
    open_server = live_server_factory()
    status, _ = scrape(open_server.port, {"X-Forwarded-For": "198.51.100.7"})
    assert status == 403  # through a proxy, the address says nothing: a token is needed
    guarded = live_server_factory(METRICS_TOKEN="s3cret-metrics-token")
    assert scrape(guarded.port)[0] == 403
    assert scrape(guarded.port, {"Authorization": "Bearer wrong"})[0] == 403
    status, text = scrape(guarded.port, {"Authorization": "Bearer s3cret-metrics-token"})
    assert status == 200 and "cable_sockets" in text
    assert "s3cret" not in guarded.output()  # never logged


@pytest.mark.server
async def test_readyz_names_redis_when_it_stops_and_recovers(world, private_redis, settings):
    prefix = new_prefix()
    settings.CHANNEL_LAYERS = shared_layer(private_redis.url, prefix)
    server = DaphneServer(server_environment(private_redis.url, prefix)).start()
    try:
        agent = await SocketClient.connect(server.url)  # a stream followed: the reader runs
        assert await agent.subscribe(agent_identifier(world.agent, world.account)) == (
            "confirm_subscription"
        )
        status, body = await asyncio.to_thread(ready, server.port)
        assert status == 200, body
        assert body["checks"]["hub"]["reader"] == "running"
        assert body["checks"]["redis"] == {"ok": True}
        private_redis.kill()
        status, body = await asyncio.to_thread(ready, server.port)
        assert status == 503
        assert body["status"] == "unavailable"
        assert body["checks"]["redis"]["ok"] is False and body["checks"]["redis"]["error"]
        assert body["checks"]["database"] == {"ok": True}
        private_redis.start()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while True:  # the layer re-subscribes on its own; readiness follows
            status, body = await asyncio.to_thread(ready, server.port)
            if status == 200:
                break
            assert loop.time() < deadline, body
            await asyncio.sleep(0.5)
        assert body["checks"]["hub"]["reader"] == "running"
        await agent.close()
    finally:
        server.stop()


@pytest.mark.server
@pytest.mark.redis
async def test_metrics_match_a_benchmark_runs_deliveries(world, live_server_factory):
    """Every message frame the benchmark's sockets received, the server counted; no more."""
    server = live_server_factory()
    _, before = await asyncio.to_thread(scrape, server.port)
    result, report = await asyncio.to_thread(run_bench, server, via="broadcast", settle=1)
    assert result.returncode == 0, result.stderr[-2000:]
    assert report["deliveries"] == report["deliveries_expected"] == 36
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    while True:  # the server has seen every socket close
        _, after = await asyncio.to_thread(scrape, server.port)
        if metric(after, "cable_sockets") == 0 or loop.time() > deadline:
            break
        await asyncio.sleep(0.2)
    delivered = metric(after, "cable_deliveries_total") - metric(before, "cable_deliveries_total")
    assert delivered == report["broadcast_frames"]
    assert metric(after, "cable_subscribes_total", result="accepted", reason="") == 12
