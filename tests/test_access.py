"""Subscribe authorisation in batches: a burst of subscribes costs a fixed number of queries,
and each claim is judged on its own (one bad token in a batch refuses only that one)."""

import asyncio

from conversations.access import AgentClaim, agent_grants, contact_grants
from realtime.testing import CableTestClient

from .audience import agent_identifier
from .factories import make_agent


def test_a_batch_of_agent_claims_takes_two_queries_and_judges_each(
    world, django_assert_num_queries
):
    claims = [
        AgentClaim(world.admin.agent.pubsub_token, world.account.id, world.admin.id),
        AgentClaim(world.agent.agent.pubsub_token, world.account.id, world.agent.id),
        AgentClaim("not-the-token", world.account.id, world.outsider.id),
        # a real token, claimed for the wrong account: no data crosses accounts
        AgentClaim(world.agent.agent.pubsub_token, world.foreign_account.id, world.agent.id),
        AgentClaim(world.outsider.agent.pubsub_token, world.account.id, world.outsider.id),
    ]
    with django_assert_num_queries(2):
        admin, agent, forged, foreign, outsider = agent_grants(claims)
    assert admin.is_administrator and admin.inbox_ids == ()
    assert not agent.is_administrator and agent.inbox_ids == (world.inbox.id,)
    assert forged is None and foreign is None
    assert outsider.inbox_ids == (world.other_inbox.id,)


def test_a_batch_of_contact_tokens_takes_one_query(world, django_assert_num_queries):
    tokens = [world.session.pubsub_token, "unknown", world.foreign_session.pubsub_token]
    with django_assert_num_queries(1):
        mine, unknown, foreign = contact_grants(tokens)
    assert mine.contact_inbox_id == world.session.id and mine.account_id == world.account.id
    assert unknown is None
    assert foreign.account_id == world.foreign_account.id


async def test_a_burst_of_subscribes_is_authorised_in_a_few_batches(world, monkeypatch):
    from asgiref.sync import sync_to_async

    import conversations.room_channel as room_channel

    batches: list[int] = []

    def recording_agent_grants(claims):
        batches.append(len(claims))
        return agent_grants(claims)

    # The per-loop Authorizer is made on first use in this test's loop, with this function.
    monkeypatch.setattr(room_channel, "agent_grants", recording_agent_grants)
    agents = await sync_to_async(
        lambda: [make_agent(world.account, inboxes=[world.inbox]) for _ in range(30)]
    )()
    clients = [CableTestClient() for _ in agents]
    for client in clients:
        assert await client.connect()
    replies = await asyncio.gather(
        *(
            client.subscribe(agent_identifier(agent, world.account))
            for client, agent in zip(clients, agents, strict=True)
        )
    )
    assert [reply["type"] for reply in replies] == ["confirm_subscription"] * len(agents)
    assert sum(batches) == len(agents) and len(batches) <= 3, batches
    # Each got its own grant: a broadcast to the inbox reaches every one of them.
    from conversations import streams
    from realtime.delivery.broadcast import abroadcast

    await abroadcast([streams.inbox_agents(world.inbox.id)], {"event": "ping.test", "data": {}})
    for client in clients:
        frame = await client.receive(ignore_events=frozenset({"presence.update"}))
        assert frame["message"]["event"] == "ping.test"
    for client in clients:
        await client.disconnect()
