"""RoomChannel: who may subscribe with which pubsub token, and what each subscription follows."""

import json

import pytest
from asgiref.sync import sync_to_async

from conversations import streams
from conversations.models import InboxMember
from realtime.delivery.broadcast import abroadcast, acontrol
from realtime.server.hub import Hub
from realtime.testing import CableTestClient


def contact_identifier(session) -> dict:
    return {"channel": "RoomChannel", "pubsub_token": session.pubsub_token}


def agent_identifier(user, account, **overrides) -> dict:
    return {
        "channel": "RoomChannel",
        "pubsub_token": user.agent.pubsub_token,
        "account_id": account.id,
        "user_id": user.id,
        **overrides,
    }


async def subscribe(identifier) -> tuple[CableTestClient, str]:
    client = CableTestClient()
    assert await client.connect()
    reply = await client.subscribe(identifier)
    if reply["type"] == "confirm_subscription":
        # The account's presence follows every confirmation (see test_presence.py).
        assert (await client.receive())["message"]["event"] == "presence.update"
    return client, reply["type"]


async def test_contact_session_token_is_confirmed_and_receives_its_stream(world):
    client, reply = await subscribe(contact_identifier(world.session))
    assert reply == "confirm_subscription"
    await abroadcast([streams.contact_session(world.session.id)], {"event": "x", "data": {}})
    frame = await client.receive()
    assert frame["identifier"] == json.dumps(contact_identifier(world.session))
    assert frame["message"] == {"event": "x", "data": {}}
    await client.disconnect()


@pytest.mark.parametrize("as_strings", [False, True])
async def test_agent_token_is_confirmed_with_numeric_or_string_ids(world, as_strings):
    ident = agent_identifier(world.agent, world.account)
    if as_strings:
        ident.update(account_id=str(world.account.id), user_id=str(world.agent.id))
    client, reply = await subscribe(ident)
    assert reply == "confirm_subscription"
    await client.disconnect()


@pytest.mark.parametrize(
    "case",
    [
        "unknown-token",
        "other-users-token",
        "foreign-account",
        "no-account-id",
        "no-token",
        "token-not-string",
        "contact-token-as-agent",
        "agent-token-as-contact",
        "bad-account-id",
        "suspended-account",
        "deactivated-user",
    ],
)
async def test_refused_subscriptions_are_rejected(world, case):
    from conversations.models import Account, User

    ident = agent_identifier(world.agent, world.account)
    if case == "unknown-token":
        ident["pubsub_token"] = "nope"
    elif case == "other-users-token":
        ident["pubsub_token"] = world.admin.agent.pubsub_token
    elif case == "foreign-account":
        ident["account_id"] = world.foreign_account.id
    elif case == "no-account-id":
        del ident["account_id"]
    elif case == "no-token":
        del ident["pubsub_token"]
    elif case == "token-not-string":
        ident["pubsub_token"] = 12345
    elif case == "contact-token-as-agent":
        ident["pubsub_token"] = world.session.pubsub_token
    elif case == "agent-token-as-contact":
        ident = {"channel": "RoomChannel", "pubsub_token": world.agent.agent.pubsub_token}
    elif case == "bad-account-id":
        ident["account_id"] = "1; DROP TABLE"
    elif case == "suspended-account":
        await Account.objects.filter(pk=world.account.pk).aupdate(status="suspended")
    elif case == "deactivated-user":
        await User.objects.filter(pk=world.agent.pk).aupdate(is_active=False)
    client, reply = await subscribe(ident)
    assert reply == "reject_subscription"
    await client.disconnect()


async def test_a_suspended_accounts_contacts_are_rejected(world):
    from conversations.models import Account

    await Account.objects.filter(pk=world.account.pk).aupdate(status="suspended")
    client, reply = await subscribe(contact_identifier(world.session))
    assert reply == "reject_subscription"
    await client.disconnect()


async def test_agents_follow_their_inboxes_and_administrators_the_account(world):
    agent, _ = await subscribe(agent_identifier(world.agent, world.account))
    admin, _ = await subscribe(agent_identifier(world.admin, world.account))
    outsider, _ = await subscribe(agent_identifier(world.outsider, world.account))
    await abroadcast(
        [streams.inbox_agents(world.inbox.id), streams.account_admins(world.account.id)],
        {"event": "conversation.created", "data": {}},
    )
    assert (await agent.receive())["message"]["event"] == "conversation.created"
    assert (await admin.receive())["message"]["event"] == "conversation.created"
    assert await agent.receive_nothing() and await admin.receive_nothing()  # exactly once
    assert await outsider.receive_nothing()
    for client in (agent, admin, outsider):
        await client.disconnect()


async def test_reauthorize_follows_inbox_membership_changes_at_once(world):
    client, _ = await subscribe(agent_identifier(world.agent, world.account))
    await sync_to_async(InboxMember.objects.filter(user=world.agent, inbox=world.inbox).delete)()
    await acontrol(
        [streams.account_agents(world.account.id)],
        {"op": "reauthorize"},
        only=f"user.{world.agent.id}",
    )
    hub = Hub.current()
    for _ in range(100):  # the control message is handled off the delivery loop
        if streams.inbox_agents(world.inbox.id) not in hub._subscribers:
            break
        await client.receive_nothing(0.02, ignore_events=frozenset({"account.cache_invalidated"}))
    await abroadcast([streams.inbox_agents(world.inbox.id)], {"event": "message.created"})
    # Still in the account, the agent hears its cached inbox list went stale; nothing else.
    assert await client.receive_nothing(ignore_events=frozenset({"account.cache_invalidated"}))
    await client.disconnect()


async def test_a_rotated_token_loses_its_live_subscription(world):
    client, _ = await subscribe(agent_identifier(world.agent, world.account))
    user = world.agent
    user.agent.rotate_tokens()
    await user.agent.asave(update_fields=["pubsub_token", "access_token"])
    await acontrol(
        [streams.account_agents(world.account.id)], {"op": "reauthorize"}, only=f"user.{user.id}"
    )
    assert await client.receive() == {
        "type": "disconnect",
        "reason": "unauthorized",
        "reconnect": True,
    }
    assert Hub.current().stats()["subscriptions"] == 0


async def test_update_presence_is_routed_and_harmless(world):
    ident = contact_identifier(world.session)
    client, _ = await subscribe(ident)
    await client.perform(ident, "update_presence")
    assert (await client.receive())["message"]["event"] == "presence.update"
    assert (await client.subscribe(ident))["type"] == "confirm_subscription"
    await client.disconnect()


async def test_a_token_rotated_in_the_database_cuts_only_that_agent_off(world):
    rotated, _ = await subscribe(agent_identifier(world.agent, world.account))
    colleague, _ = await subscribe(agent_identifier(world.admin, world.account))
    user = world.agent

    def rotate() -> None:  # what a password change does, through the model's signals
        user.agent.rotate_tokens()
        user.agent.save()

    await sync_to_async(rotate)()
    assert await rotated.receive(ignore_events=frozenset({"presence.update"})) == {
        "type": "disconnect",
        "reason": "unauthorized",
        "reconnect": True,
    }
    # The control message rode the account's agents stream, addressed to user.<id> only.
    await abroadcast([streams.account_agents(world.account.id)], {"event": "contact.updated"})
    frame = await colleague.receive(ignore_events=frozenset({"presence.update"}))
    assert frame["message"]["event"] == "contact.updated"
    await colleague.disconnect()
    await rotated.disconnect()
