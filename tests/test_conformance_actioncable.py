"""
The stock @rails/actioncable client (as Chatwoot's dashboard, widget and apps use it) against a
real daphne serving /cable. Needs Node.js and Redis; in CI both are required.
"""

import pytest

from conversations import streams
from realtime.delivery.broadcast import abroadcast

pytestmark = [pytest.mark.node, pytest.mark.server]


def contact_params(world) -> dict:
    return {"channel": "RoomChannel", "pubsub_token": world.session.pubsub_token}


def agent_params(world, user=None) -> dict:
    user = user or world.agent
    return {
        "channel": "RoomChannel",
        "pubsub_token": user.agent.pubsub_token,
        "account_id": world.account.id,
        "user_id": user.id,
    }


async def test_connect_welcome_and_pings(world, live_server_factory, node_client):
    server = live_server_factory()
    client = await node_client()
    await client.send(op="connect", url=server.url)
    socket = await client.expect(event="socket")
    assert "actioncable-v1-json" in socket["protocols"]
    assert (await client.expect(event="open"))["protocol"] == "actioncable-v1-json"
    await client.expect_frame(type="welcome")
    ping = await client.expect_frame(type="ping", timeout=5)
    assert isinstance(ping["message"], int)


async def test_subscribe_as_contact_and_agent_and_rejections(
    world, live_server_factory, node_client
):
    server = live_server_factory()
    client = await node_client()
    await client.send(op="connect", url=server.url)
    await client.send(op="subscribe", name="contact", params=contact_params(world))
    await client.send(op="subscribe", name="agent", params=agent_params(world))
    await client.send(
        op="subscribe", name="forged", params={**agent_params(world), "pubsub_token": "forged"}
    )
    await client.send(
        op="subscribe",
        name="no_account",
        params={
            "channel": "RoomChannel",
            "pubsub_token": world.agent.agent.pubsub_token,
            "user_id": world.agent.id,
        },
    )
    await client.send(op="subscribe", name="unknown", params={"channel": "NoSuchChannel"})
    for name in ("contact", "agent"):
        await client.expect(event="connected", name=name)
    for name in ("forged", "no_account", "unknown"):
        await client.expect(event="rejected", name=name)


async def test_broadcasts_reach_the_right_subscription_and_stop_after_unsubscribe(
    world, live_server_factory, node_client
):
    server = live_server_factory()
    client = await node_client()
    await client.send(op="connect", url=server.url)
    await client.send(op="subscribe", name="contact", params=contact_params(world))
    await client.send(op="subscribe", name="agent", params=agent_params(world))
    await client.expect(event="connected", name="contact")
    await client.expect(event="connected", name="agent")

    await abroadcast(
        [streams.contact_session(world.session.id)], {"event": "message.created", "data": {"id": 1}}
    )
    await abroadcast(
        [streams.inbox_agents(world.inbox.id)], {"event": "message.created", "data": {"id": 2}}
    )
    await abroadcast(
        [streams.inbox_agents(world.other_inbox.id)],
        {"event": "message.created", "data": {"id": 3}},
    )
    got = await client.expect_received("agent")
    assert got == {"event": "message.created", "data": {"id": 2}}
    assert await client.received("contact") == [{"event": "message.created", "data": {"id": 1}}]
    assert await client.received("agent") == [{"event": "message.created", "data": {"id": 2}}]

    await client.send(op="unsubscribe", name="contact")
    await client.expect(event="unsubscribed", name="contact")
    await client.send(op="perform", name="agent", action="update_presence")
    # A round trip through the server proves the unsubscribe was processed first.
    await client.send(op="subscribe", name="again", params=agent_params(world, world.admin))
    await client.expect(event="connected", name="again")
    await abroadcast(
        [streams.contact_session(world.session.id)], {"event": "message.created", "data": {"id": 4}}
    )
    await abroadcast(
        [streams.account_admins(world.account.id)], {"event": "message.created", "data": {"id": 5}}
    )
    await client.expect_received("again")
    assert await client.received("contact") == [{"event": "message.created", "data": {"id": 1}}]


async def test_the_client_reconnects_and_resubscribes_after_a_server_restart(
    world, live_server_factory, node_client
):
    server = live_server_factory()
    client = await node_client()
    await client.send(op="connect", url=server.url)
    await client.send(op="subscribe", name="contact", params=contact_params(world))
    await client.expect(event="connected", name="contact")

    server.stop()  # SIGTERM: a graceful restart
    assert await client.expect_frame(type="disconnect") == {
        "type": "disconnect",
        "reason": "server_restart",
        "reconnect": True,
    }
    await client.expect(event="disconnected", name="contact")
    live_server_factory(port=server.port)
    # The stock client's monitor reconnects by itself (within ~6-20 s) and re-subscribes.
    await client.expect(event="connected", name="contact", timeout=45)
    await abroadcast(
        [streams.contact_session(world.session.id)],
        {"event": "conversation.status_changed", "data": {"id": 9}},
    )
    got = await client.expect_received("contact")
    assert got["data"] == {"id": 9}
