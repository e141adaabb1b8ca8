"""
Every event, as an agent and as a contact receive it, against Chatwoot 4.10's field lists
(``chatwoot_shapes.py``), and read the way the agent dashboard reads it.

The dashboard's ``message.created`` handler reads ``data.conversation.last_activity_at`` before
anything else and moves the conversation to the top of its list with the new unread count; its
list sorts by ``last_activity_at`` and drops conversation updates older (``updated_at``) than
the one it holds. ``Dashboard`` below does exactly those reads, so a missing or mistyped key
fails here as it would throw there.
"""

import json
from datetime import timedelta
from typing import Any

from asgiref.sync import sync_to_async
from django.utils import timezone

from conversations.models import Conversation, Message
from conversations.services import contacts as contact_services
from conversations.services import conversations as conversation_services
from conversations.services import labels as label_services
from conversations.services import messages as message_services

from . import factories as f
from .chatwoot_shapes import EVENTS, assert_event

PRESENCE = frozenset({"presence.update"})


class Dashboard:
    """The agent dashboard's conversation list, kept from events as its Vuex store keeps it."""

    def __init__(self) -> None:
        self.conversations: dict[int, dict[str, Any]] = {}

    def receive(self, event: str, data: dict[str, Any]) -> None:
        if event in {"message.created", "message.updated"}:
            # The handler's first read; without `conversation` it throws a TypeError.
            last_activity_at = data["conversation"]["last_activity_at"]
            entry = self.conversations.setdefault(data["conversation_id"], {"updated_at": 0.0})
            entry["last_activity_at"] = last_activity_at
            entry["unread_count"] = data["conversation"]["unread_count"]
            entry["assignee_id"] = data["conversation"]["assignee_id"]
            entry.setdefault("messages", []).append(
                (data["id"], data["sender_type"], data["message_type"], data["private"])
            )
        elif event in EVENTS and EVENTS[event] == "conversation":
            entry = self.conversations.setdefault(data["id"], {"updated_at": 0.0})
            if data["updated_at"] < entry["updated_at"]:
                return  # an older snapshot than the one held: dropped
            entry.update(
                {
                    key: data[key]
                    for key in (
                        "updated_at",
                        "last_activity_at",
                        "unread_count",
                        "status",
                        "priority",
                        "labels",
                        "snoozed_until",
                        "waiting_since",
                        "first_reply_created_at",
                        "created_at",
                    )
                }
            )
            entry["assignee"] = data["meta"]["assignee"]

    def order(self) -> list[int]:
        """The list as shown: latest activity first."""
        return sorted(self.conversations, key=lambda i: -self.conversations[i]["last_activity_at"])


async def drain(
    client, quiet: float = 0.4, *, until: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Every event the client receives until none arrives for ``quiet`` seconds (and, with
    ``until``, not before that event has arrived)."""
    frames: list[tuple[str, dict[str, Any]]] = []
    if until is not None:
        while until not in {event for event, _ in frames}:
            frame = await client.receive(10, ignore_events=PRESENCE)
            frames.append((frame["message"]["event"], frame["message"]["data"]))
    while not await client.communicator.receive_nothing(quiet):
        frame = json.loads(await client.communicator.receive_from())
        message = frame.get("message")
        if isinstance(message, dict) and message.get("event") not in PRESENCE:
            frames.append((message["event"], message["data"]))
    return frames


def run(fn, /, **kwargs):
    return sync_to_async(fn)(**kwargs)


async def test_every_event_has_chatwoots_fields_for_agents_and_contacts(world, audience):
    conversation = world.conversation
    contact = world.session.contact
    team = await sync_to_async(f.make_team)(world.account, name="Billing")
    await run(
        message_services.message_create,
        conversation=conversation,
        content="Where is my order?",
        message_type=Message.MessageType.INCOMING,
        sender=contact,
    )
    for on in (True, False):
        await run(
            conversation_services.conversation_toggle_typing,
            conversation=conversation,
            typist=world.agent,
            on=on,
        )
        await run(
            conversation_services.conversation_toggle_typing,
            conversation=conversation,
            typist=contact,
            on=on,
        )
    reply = await run(
        message_services.message_create,
        conversation=conversation,
        content="On it",
        message_type=Message.MessageType.OUTGOING,
        sender=world.admin,
        echo_id="tmp-1",
    )
    await run(
        conversation_services.conversation_assign,
        conversation=conversation,
        assignee=world.agent,
        team=team,
        actor=world.admin,
    )
    label = await run(label_services.label_create, account=world.account, title="vip")
    await run(
        conversation_services.conversation_labels_set,
        conversation=conversation,
        labels=[label],
        actor=world.agent,
    )
    await run(
        conversation_services.conversation_toggle_priority,
        conversation=conversation,
        priority="urgent",
        actor=world.agent,
    )
    await run(
        conversation_services.conversation_toggle_status,
        conversation=conversation,
        status="snoozed",
        snoozed_until=timezone.now() + timedelta(hours=1),
        actor=world.agent,
    )
    await run(conversation_services.conversation_mark_seen_by_contact, conversation=conversation)
    await run(message_services.message_update, message=reply, content="On it now")
    await run(contact_services.contact_update, contact=contact, blocked=True)
    other = await sync_to_async(f.make_contact)(world.account, name="Other")
    other_session = await sync_to_async(f.make_session)(other, world.inbox)
    await sync_to_async(f.make_conversation)(other_session)
    await run(contact_services.contact_merge, base=contact, mergee=other)

    agent_frames = await drain(audience.clients["agent"], until="contact.updated")
    contact_frames = await drain(audience.clients["contact"])
    for event, data in agent_frames + contact_frames:
        assert_event(event, data)
    # Notifications of a mention or an update are their own tests' (test_notifications.py).
    expected = set(EVENTS) - {"conversation.mentioned", "notification.updated"}
    assert {event for event, _ in agent_frames} == expected
    assert {event for event, _ in contact_frames} == {
        "message.created",
        "message.updated",
        "conversation.typing_on",
        "conversation.typing_off",
        "conversation.updated",
        "conversation.status_changed",
    }
    # What the contact gets is the contact's: no note, no activity, nothing of its own typing.
    for event, data in contact_frames:
        if event.startswith("message."):
            assert data["message_type"] != 2 and not data["private"]
        if event.startswith("conversation.typing"):
            assert data["user"]["type"] == "user"
    updated = [d for e, d in agent_frames if e == "message.updated" and d["id"] == reply.id]
    assert updated[-1]["previous_changes"]["content"] == ["On it", "On it now"]


async def test_the_dashboard_moves_a_conversation_with_a_new_message_to_the_top(world, audience):
    older = world.conversation
    newer = await sync_to_async(f.make_conversation)(world.session)
    dashboard = Dashboard()
    for event, data in await drain(audience.clients["agent"]):
        dashboard.receive(event, data)
    for conversation, hours in ((older, 2), (newer, 1)):
        await Conversation.objects.filter(pk=conversation.pk).aupdate(
            last_activity_at=timezone.now() - timedelta(hours=hours)
        )
        snapshot = await sync_to_async(conversation_snapshot)(conversation)
        dashboard.receive("conversation.created", snapshot)
    assert dashboard.order() == [newer.display_id, older.display_id]
    for content in ("one", "two", "three"):
        await run(
            message_services.message_create,
            conversation=older,
            content=content,
            message_type=Message.MessageType.INCOMING,
            sender=world.session.contact,
        )
    # A marker that follows the three messages (on a fresh copy: save() writes every field).
    await run(
        conversation_services.conversation_toggle_priority,
        conversation=await Conversation.objects.aget(pk=newer.pk),
        priority="low",
    )
    for event, data in await drain(audience.clients["agent"], until="conversation.updated"):
        dashboard.receive(event, data)
    assert dashboard.order()[0] == older.display_id
    assert dashboard.conversations[older.display_id]["unread_count"] == 3
    # The agent reads it: the badge clears with the next update.
    older = await Conversation.objects.aget(pk=older.pk)
    await run(conversation_services.conversation_mark_seen_by_agent, conversation=older)
    await run(
        conversation_services.conversation_toggle_priority, conversation=older, priority="high"
    )
    for event, data in await drain(audience.clients["agent"], until="conversation.updated"):
        dashboard.receive(event, data)
    assert dashboard.conversations[older.display_id]["unread_count"] == 0
    assert dashboard.conversations[older.display_id]["priority"] == "high"


def conversation_snapshot(conversation) -> dict[str, Any]:
    from conversations.events.payloads import conversation_payload, load_conversation

    return {**conversation_payload(load_conversation(conversation.pk)), "account_id": 1}


async def test_unread_count_is_capped_at_ten_as_chatwoot_counts_it(world, audience):
    for n in range(12):
        await run(
            message_services.message_create,
            conversation=world.conversation,
            content=f"m{n}",
            message_type=Message.MessageType.INCOMING,
            sender=world.session.contact,
        )
    frames = await drain(audience.clients["agent"], until="message.created")
    counts = [d["conversation"]["unread_count"] for e, d in frames if e == "message.created"]
    assert counts == [*range(1, 11), 10, 10]
