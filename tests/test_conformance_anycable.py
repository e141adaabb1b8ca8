"""
The @anycable/web client over actioncable-v1-ext-json against a real daphne: a forced socket
drop with broadcasts in flight, and nothing lost, nothing twice, in order.
"""

import asyncio

import pytest

from .live import (
    DaphneServer,
    RoundRobinProxy,
    anycable_contact_room,
    send_numbered,
    server_environment,
)

pytestmark = [pytest.mark.node, pytest.mark.server, pytest.mark.redis]


async def test_a_dropped_connection_resumes_with_nothing_lost(world, redis_layer, node_client):
    server = DaphneServer(server_environment(*redis_layer)).start()
    proxy = await RoundRobinProxy([server.port]).start()
    client = await node_client("anycable_driver.mjs")
    try:
        await anycable_contact_room(client, proxy.url, world.session)

        async def send(n: int) -> None:
            await send_numbered(world.session, n)

        for n in range(1, 6):
            await send(n)
        for n in range(1, 6):
            got = await client.expect_received("room")
            assert got["data"]["n"] == n

        proxy.drop_all()  # the network fails; the server still holds the session
        for n in range(6, 16):  # broadcasts in flight while the client is away
            await send(n)
            await asyncio.sleep(0.02)
        await client.expect(event="cable_disconnect", timeout=15)
        reconnected = await client.expect(event="cable_connect", timeout=30)
        assert reconnected["restored"] is True  # no re-subscribe: the session came back
        for n in range(16, 21):
            await send(n)

        received = []
        while len(received) < 15:
            received.append((await client.expect_received("room", timeout=15))["data"]["n"])
        assert received == list(range(6, 21))  # the missed ten, then the live five
        assert await client.received("room", timeout=0.5) is not None
        later = [
            e["data"]["data"]["n"]
            for e in client.events
            if e.get("event") == "received" and e["data"].get("event") == "message.created"
        ]
        assert later == list(range(1, 21))  # nothing twice overall
    finally:
        await proxy.close()
        server.stop()
