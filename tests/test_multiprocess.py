"""Two real daphne processes sharing Redis: delivery and presence cross the process boundary."""

import pytest

from conversations import streams
from realtime.delivery.broadcast import abroadcast

from .audience import agent_identifier, contact_identifier
from .live import SocketClient

pytestmark = [pytest.mark.server, pytest.mark.redis]


def presence_of(frame) -> dict | None:
    message = frame.get("message") or {}
    return message.get("data") if message.get("event") == "presence.update" else None


async def test_a_contact_on_one_process_is_seen_online_by_an_agent_on_another(
    world, live_server_factory
):
    server_a, server_b = live_server_factory(), live_server_factory()
    agent = await SocketClient.connect(server_a.url)
    assert await agent.subscribe(agent_identifier(world.agent, world.account)) == (
        "confirm_subscription"
    )
    first = presence_of(await agent.receive(presence_of))
    assert first["contacts"] == {}

    contact = await SocketClient.connect(server_b.url)
    assert await contact.subscribe(contact_identifier(world.session)) == "confirm_subscription"
    contact_id = str(world.session.contact_id)
    arrived = await agent.receive(lambda f: (presence_of(f) or {}).get("contacts"))
    assert presence_of(arrived)["contacts"] == {contact_id: "online"}

    # Events cross too: a broadcast for the contact's session reaches process B only.
    await abroadcast([streams.contact_session(world.session.id)], {"event": "x", "data": {}})
    assert (await contact.receive(lambda f: "message" in f and presence_of(f) is None))[
        "message"
    ] == {"event": "x", "data": {}}

    await contact.close()
    left = await agent.receive(
        lambda f: presence_of(f) is not None and contact_id not in presence_of(f)["contacts"],
        timeout=15,
    )
    assert presence_of(left)["contacts"] == {}
    await agent.close()
