"""
Every documented event: made the way a user would, received at real subscriptions by exactly
the right people, with the spec sample's keys, types and formats.
"""

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction

from conversations.models import Conversation, InboxMember, Message
from conversations.services import contacts as contact_services
from conversations.services import conversations as conversation_services
from conversations.services import messages as message_services

from . import factories as f
from .spec_samples import assert_like_sample, sample_data

AGENTS = ["agent", "admin"]  # who sees the world's conversation
NOT_AGENTS = ["outsider", "foreign"]  # an agent of another inbox, an agent of another account
EVERYONE_ELSE = ["outsider", "foreign", "foreign_contact"]


def run(fn, /, **kwargs):
    return sync_to_async(fn)(**kwargs)


async def test_conversation_created(world, audience):
    conversation = await run(
        conversation_services.conversation_create,
        inbox=world.inbox,
        contact_inbox=world.session,
        additional_attributes={"referer": "http://example.test/"},
    )
    data = await audience.expect([*AGENTS, "contact"], "conversation.created")
    await audience.silent(EVERYONE_ELSE)
    assert_like_sample(data, sample_data("conversation.created"))
    assert data["id"] == conversation.display_id == 2
    assert data["account_id"] == world.account.id
    assert data["messages"] == [] and data["meta"]["assignee"] is None
    assert data["channel"] == "Channel::WebWidget"
    assert "pubsub_token" not in data["contact_inbox"]


async def test_message_created_reaches_agents_and_the_contact(world, audience):
    conversation = world.conversation
    message = await run(
        message_services.message_create,
        conversation=conversation,
        content="hi",
        message_type=Message.MessageType.INCOMING,
        sender=world.session.contact,
    )
    data = await audience.expect([*AGENTS, "contact"], "message.created")
    await audience.silent(EVERYONE_ELSE)
    assert_like_sample(data, sample_data("message.created"))
    assert data["id"] == message.id
    assert data["conversation_id"] == conversation.display_id
    assert data["sender_type"] == "Contact" and data["sender"]["type"] == "contact"
    assert data["sender"]["pubsub_token"] is None


async def test_an_agent_reply_carries_the_echo_id_and_the_agent(world, audience):
    await run(
        message_services.message_create,
        conversation=world.conversation,
        content="hello",
        message_type=Message.MessageType.OUTGOING,
        sender=world.agent,
        echo_id="tmp-1",
    )
    data = await audience.expect([*AGENTS, "contact"], "message.created")
    assert data["echo_id"] == "tmp-1"
    assert data["sender"] == {
        "id": world.agent.id,
        "name": "John",
        "available_name": "John",
        "avatar_url": "",
        "type": "user",
        "availability_status": "online",
        "thumbnail": "",
    }
    # The conversation's first human reply: agents hear it, and the wait for an answer ends.
    first = await audience.expect(AGENTS, "first.reply.created")
    assert first == data
    updated = await audience.expect([*AGENTS, "contact"], "conversation.updated")
    assert updated["first_reply_created_at"] is not None and updated["waiting_since"] == 0


@pytest.mark.parametrize("kind", ["private_note", "activity"])
async def test_private_notes_and_activity_never_reach_the_contact(world, audience, kind):
    private = kind == "private_note"
    message = await run(
        message_services.message_create,
        conversation=world.conversation,
        content="internal",
        message_type=Message.MessageType.ACTIVITY if not private else Message.MessageType.OUTGOING,
        sender=world.agent if private else None,
        private=private,
    )
    await audience.expect(AGENTS, "message.created")
    await run(message_services.message_update, message=message, content="internal, edited")
    await audience.expect(AGENTS, "message.updated")
    await audience.silent(["contact", *EVERYONE_ELSE])


async def test_message_updated_and_soft_deleted(world, audience):
    message = await sync_to_async(f.make_message)(
        world.conversation,
        message_type=Message.MessageType.TEMPLATE,
        content="Get notified by email",
        content_type="input_email",
        sender_contact=None,
    )
    await audience.expect([*AGENTS, "contact"], "message.created")
    await run(
        message_services.message_update,
        message=message,
        content_attributes={"submitted_email": "jane@acme.inc"},
    )
    data = await audience.expect([*AGENTS, "contact"], "message.updated")
    assert_like_sample(data, sample_data("message.updated"))
    assert data["content_attributes"] == {"submitted_email": "jane@acme.inc"}
    assert "sender" not in data and data["sender_type"] is None

    await run(message_services.message_delete, message=message)
    data = await audience.expect([*AGENTS, "contact"], "message.updated")
    assert data["content"] == "This message was deleted"
    assert data["content_attributes"]["deleted"] is True
    await audience.silent(EVERYONE_ELSE)


async def test_status_changed_and_updated(world, audience):
    await sync_to_async(f.make_message)(world.conversation, content="sfdfd")
    for name in [*AGENTS, "contact"]:
        await audience.clients[name].receive()  # message.created
    await run(
        conversation_services.conversation_toggle_status,
        conversation=world.conversation,
        status="pending",
    )
    data = await audience.expect([*AGENTS, "contact"], "conversation.status_changed")
    assert_like_sample(data, sample_data("conversation.status_changed"))
    assert data["status"] == "pending"
    assert data["messages"][0]["content"] == "sfdfd"
    assert data["unread_count"] == 1
    updated = await audience.expect([*AGENTS, "contact"], "conversation.updated")
    assert updated == data
    await audience.silent(EVERYONE_ELSE)


async def test_toggle_status_without_a_status_flips_open_and_resolved(world, audience):
    await run(conversation_services.conversation_toggle_status, conversation=world.conversation)
    assert (await audience.expect(["agent"], "conversation.status_changed"))["status"] == "resolved"
    await audience.expect(["agent"], "conversation.updated")
    await run(conversation_services.conversation_toggle_status, conversation=world.conversation)
    assert (await audience.expect(["agent"], "conversation.status_changed"))["status"] == "open"


async def test_assignee_changed_reaches_agents_only(world, audience):
    await run(
        conversation_services.conversation_assign,
        conversation=world.conversation,
        assignee=world.agent,
    )
    data = await audience.expect(AGENTS, "assignee.changed")
    assert_like_sample(data, sample_data("assignee.changed"))
    assert data["id"] == world.conversation.display_id
    assert data["meta"]["assignee"]["id"] == world.agent.id
    await audience.expect([*AGENTS, "contact"], "conversation.updated")
    await audience.silent(["contact", *EVERYONE_ELSE])


async def test_team_changed_carries_the_team(world, audience):
    team = await sync_to_async(f.make_team)(world.account, name="Billing")
    # A new team: every agent's dashboard learns its cached team list is stale.
    await audience.expect([*AGENTS, "outsider"], "account.cache_invalidated")
    await run(conversation_services.conversation_assign, conversation=world.conversation, team=team)
    data = await audience.expect(AGENTS, "team.changed")
    assert_like_sample(data, sample_data("team.changed"))
    assert data["meta"]["team"] == {"id": team.id, "name": "Billing"}
    await audience.expect([*AGENTS, "contact"], "conversation.updated")
    await audience.silent(["contact", *EVERYONE_ELSE])


async def test_custom_attributes_change_is_conversation_updated(world, audience):
    await run(
        conversation_services.conversation_update_attributes,
        conversation=world.conversation,
        custom_attributes={"plan": "pro"},
    )
    data = await audience.expect([*AGENTS, "contact"], "conversation.updated")
    assert data["custom_attributes"] == {"plan": "pro"}
    await audience.silent(EVERYONE_ELSE)


async def test_contact_merge_changes_the_conversation_contact(world, audience):
    mergee = world.session.contact
    mergee_id = mergee.id
    base = await sync_to_async(f.make_contact)(world.account, name="jane", email="jane@acme.inc")
    await audience.expect([*AGENTS, "outsider"], "contact.created")
    await run(contact_services.contact_merge, base=base, mergee=mergee)
    data = await audience.expect(AGENTS, "conversation.contact_changed")
    assert_like_sample(data, sample_data("conversation.contact_changed"))
    assert data["meta"]["sender"]["id"] == base.id
    deleted = await audience.expect([*AGENTS, "outsider"], "contact.deleted")
    assert deleted["id"] == mergee_id and deleted["account_id"] == world.account.id
    updated = await audience.expect([*AGENTS, "outsider"], "contact.updated")
    assert updated["id"] == base.id
    await audience.silent(["contact", "foreign", "foreign_contact"])


async def test_conversation_read_by_the_contact(world, audience):
    reply = await run(
        message_services.message_create,
        conversation=world.conversation,
        content="helllo",
        message_type=Message.MessageType.OUTGOING,
        sender=world.agent,
    )
    await audience.expect([*AGENTS, "contact"], "message.created")
    await audience.expect(AGENTS, "first.reply.created")
    await audience.expect([*AGENTS, "contact"], "conversation.updated")
    await run(
        conversation_services.conversation_mark_seen_by_contact, conversation=world.conversation
    )
    data = await audience.expect(AGENTS, "conversation.read")
    assert_like_sample(data, sample_data("conversation.read"))
    assert data["contact_last_seen_at"] > 0
    flipped = await audience.expect([*AGENTS, "contact"], "message.updated")
    assert flipped["id"] == reply.id and flipped["status"] == "read"
    await audience.silent(["contact", *EVERYONE_ELSE])


def assert_like_agent_typing(data: dict, event: str) -> None:
    # The samples show a contact typing; an agent typist is shaped like every other agent.
    sample = sample_data(event)
    assert_like_sample({**data, "user": None}, {**sample, "user": None})
    assert_like_sample(
        data["user"], sample_data("conversation.created")["meta"]["assignee"], "data.user"
    )


async def test_agent_typing_skips_the_typist_and_private_typing_skips_the_contact(world, audience):
    await run(
        conversation_services.conversation_toggle_typing,
        conversation=world.conversation,
        typist=world.agent,
        on=True,
    )
    data = await audience.expect(["admin", "contact"], "conversation.typing_on")
    assert_like_agent_typing(data, "conversation.typing_on")
    assert data["user"]["type"] == "user" and data["user"]["id"] == world.agent.id
    assert data["is_private"] is False
    await audience.silent(["agent", *EVERYONE_ELSE])

    await run(
        conversation_services.conversation_toggle_typing,
        conversation=world.conversation,
        typist=world.agent,
        on=False,
        is_private=True,
    )
    data = await audience.expect(["admin"], "conversation.typing_off")
    assert_like_agent_typing(data, "conversation.typing_off")
    assert data["is_private"] is True
    await audience.silent(["agent", "contact", *EVERYONE_ELSE])


async def test_contact_typing_reaches_the_agents(world, audience):
    await run(
        conversation_services.conversation_toggle_typing,
        conversation=world.conversation,
        typist=world.session.contact,
        on=True,
    )
    data = await audience.expect(AGENTS, "conversation.typing_on")
    assert_like_sample(data, sample_data("conversation.typing_on"))
    assert data["user"]["type"] == "contact" and data["user"]["pubsub_token"] is None
    await audience.silent(["contact", *EVERYONE_ELSE])


async def test_contact_created_and_updated_reach_every_agent_of_the_account(world, audience):
    contact = await run(
        contact_services.contact_create, account=world.account, name="white-shadow-394"
    )
    data = await audience.expect([*AGENTS, "outsider"], "contact.created")
    assert_like_sample(data, sample_data("contact.created"))
    await run(contact_services.contact_update, contact=contact, email="jane@acme.inc")
    data = await audience.expect([*AGENTS, "outsider"], "contact.updated")
    assert_like_sample(data, sample_data("contact.updated"))
    assert data["email"] == "jane@acme.inc"
    await audience.silent(["contact", "foreign", "foreign_contact"])


async def test_a_rolled_back_change_sends_nothing(world, audience):
    def change_then_fail():
        with transaction.atomic():
            message_services.message_create(
                conversation=world.conversation,
                content="lost",
                message_type=Message.MessageType.INCOMING,
                sender=world.session.contact,
            )
            conversation_services.conversation_toggle_status(conversation=world.conversation)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        await sync_to_async(change_then_fail)()
    await audience.silent(list(audience.clients))
    assert not await Message.objects.filter(content="lost").aexists()


async def test_a_save_that_changes_nothing_reported_sends_nothing(world, audience):
    def resave():
        conversation = Conversation.objects.get(pk=world.conversation.pk)
        conversation.save()
        conversation.status = "open"  # unchanged
        conversation.save()

    await sync_to_async(resave)()
    await audience.silent(list(audience.clients))


async def test_events_of_one_conversation_arrive_in_commit_order(world, audience):
    statuses = ["pending", "open", "snoozed", "resolved", "open"]
    for status in statuses:
        await run(
            conversation_services.conversation_toggle_status,
            conversation=world.conversation,
            status=status,
        )
    for name in ["agent", "contact"]:
        seen = []
        for _ in statuses:
            frame = await audience.clients[name].receive()
            assert frame["message"]["event"] == "conversation.status_changed"
            seen.append(frame["message"]["data"]["status"])
            await audience.clients[name].receive()  # conversation.updated
        assert seen == statuses


async def test_an_agent_removed_from_the_inbox_stops_receiving_at_once(world, audience):
    await sync_to_async(InboxMember.objects.filter(user=world.agent, inbox=world.inbox).delete)()
    # Still an agent of the account: its cached inbox list is stale.
    await audience.expect(["agent", "admin"], "account.cache_invalidated")
    await run(
        message_services.message_create,
        conversation=world.conversation,
        content="x",
        message_type=Message.MessageType.INCOMING,
        sender=world.session.contact,
    )
    await audience.expect(["admin", "contact"], "message.created")
    await audience.silent(["agent"])


def test_a_failing_after_commit_callback_is_logged_and_the_commit_stands(world, caplog):
    from django.db import transaction

    from conversations.events.publish import after_commit

    def explode(what: str) -> None:
        raise RuntimeError(what)

    with caplog.at_level("ERROR", logger="django.db.backends.base"), transaction.atomic():
        world.account.name = "Renamed"
        world.account.save(update_fields=["name"])
        after_commit(explode, "boom")
    assert "Error calling" in caplog.text and "explode" in caplog.text
    world.account.refresh_from_db()
    assert world.account.name == "Renamed"
