"""
kill -9 of one of two processes: the stock client reconnects through the load balancer to the
other process and re-subscribes by itself; the dead process's presence expires.
"""

import json
import signal

import pytest

from conversations import streams
from realtime.delivery.broadcast import abroadcast

from .audience import agent_identifier, contact_identifier
from .live import (
    DaphneServer,
    RoundRobinProxy,
    SocketClient,
    anycable_contact_room,
    send_numbered,
    server_environment,
)

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.node]


async def test_clients_of_a_killed_process_recover_on_the_other(world, redis_layer, node_client):
    env = server_environment(*redis_layer)
    env["CARBONCHAT_REALTIME"] = json.dumps(
        {"PRESENCE_TTL": 3.0, "PRESENCE_SWEEP_INTERVAL": 0.5, "PRESENCE_COALESCE": 0.2}
    )
    first, second = DaphneServer(env).start(), DaphneServer(env).start()
    proxy = await RoundRobinProxy([first.port, second.port]).start()
    try:
        # The contact (stock client) lands on the first process, the agent on the second.
        contact = await node_client()
        await contact.send(op="connect", url=proxy.url)
        await contact.send(op="subscribe", name="room", params=contact_identifier(world.session))
        await contact.expect(event="connected", name="room")
        agent = await SocketClient.connect(f"ws://127.0.0.1:{second.port}/cable")
        assert await agent.subscribe(agent_identifier(world.agent, world.account)) == (
            "confirm_subscription"
        )
        contact_id = str(world.session.contact_id)
        await agent.receive(
            lambda f: contact_id in ((f.get("message") or {}).get("data") or {}).get("contacts", {})
        )

        first.stop(signal.SIGKILL)  # no goodbye frames, no clean close of its sockets

        # The stock client notices (no pings), reconnects through the proxy to the survivor
        # and re-subscribes by itself.
        await contact.expect(event="disconnected", name="room", timeout=20)
        await contact.expect(event="connected", name="room", timeout=45)
        await abroadcast(
            [streams.contact_session(world.session.id)],
            {"event": "message.created", "data": {"after": "failover"}},
        )
        got = await contact.expect_received("room", timeout=10)
        assert got["data"] == {"after": "failover"}
    finally:
        await proxy.close()
        first.stop()
        second.stop()


async def test_a_killed_process_subscribers_go_offline_after_the_ttl(world, redis_layer):
    env = server_environment(*redis_layer)
    env["CARBONCHAT_REALTIME"] = json.dumps(
        {"PRESENCE_TTL": 2.0, "PRESENCE_SWEEP_INTERVAL": 0.5, "PRESENCE_COALESCE": 0.2}
    )
    doomed, survivor = DaphneServer(env).start(), DaphneServer(env).start()
    try:
        agent = await SocketClient.connect(f"ws://127.0.0.1:{survivor.port}/cable")
        assert await agent.subscribe(agent_identifier(world.agent, world.account)) == (
            "confirm_subscription"
        )
        contact = await SocketClient.connect(f"ws://127.0.0.1:{doomed.port}/cable")
        assert await contact.subscribe(contact_identifier(world.session)) == (
            "confirm_subscription"
        )
        contact_id = str(world.session.contact_id)

        def contacts(frame):
            return ((frame.get("message") or {}).get("data") or {}).get("contacts")

        await agent.receive(lambda f: contact_id in (contacts(f) or {}))
        doomed.stop(signal.SIGKILL)
        # Nobody closed the contact's session; it expires and the survivor announces it.
        await agent.receive(
            lambda f: contacts(f) is not None and contact_id not in contacts(f), timeout=15
        )
    finally:
        doomed.stop()
        survivor.stop()


async def test_an_ext_client_of_a_killed_process_resumes_with_nothing_lost(
    world, redis_layer, node_client
):
    env = server_environment(*redis_layer)
    first, second = DaphneServer(env).start(), DaphneServer(env).start()
    proxy = await RoundRobinProxy([first.port, second.port]).start()
    client = await node_client("anycable_driver.mjs")
    try:
        await anycable_contact_room(client, proxy.url, world.session)

        async def send(n: int) -> None:
            await send_numbered(world.session, n)

        for n in range(1, 4):
            await send(n)
        for n in range(1, 4):
            assert (await client.expect_received("room"))["data"]["n"] == n

        first.stop(signal.SIGKILL)  # no session saved, no goodbye: only the history survives
        for n in range(4, 9):
            await send(n)
        await client.expect(event="cable_disconnect", timeout=20)
        await client.expect(event="cable_connect", timeout=45)
        for n in range(9, 12):
            await send(n)
        received = [
            (await client.expect_received("room", timeout=15))["data"]["n"] for _ in range(8)
        ]
        # Re-subscribed on the survivor with its positions: the missed five, then live.
        assert received == list(range(4, 12))
    finally:
        await proxy.close()
        first.stop()
        second.stop()
