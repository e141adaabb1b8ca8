"""
Event payloads, key for key and type for type as Chatwoot 4.10 sends them.

The 2021 samples of the public WebSocket documentation are the floor (every key of theirs is
here); the rest follows Chatwoot's presenters (``Conversations::EventDataPresenter``,
``Message#push_event_data``, ``Contact``/``User#push_event_data``). Deliberate differences,
listed in ``docs/events.md``: wherever a ``pubsub_token`` would appear its value is ``null``
(Chatwoot leaks the contact's socket credential to every agent inside ``contact_inbox``), and
``meta.team`` is always present (``null`` without a team).
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from .. import attachments
from ..models import (
    Attachment,
    Contact,
    ContactInbox,
    Conversation,
    Message,
    Notification,
    Team,
)
from ..models.agent import agent_of
from ..presence import agent_status
from .formats import epoch, epoch_float, iso_ms

# Chatwoot counts at most this many unread messages (``unread_incoming_messages`` is
# ``last(10)``): the dashboard shows "9+" past it.
UNREAD_LIMIT = 10


def contact_payload(contact: Contact) -> dict[str, Any]:
    return {
        "additional_attributes": contact.additional_attributes or {},
        "custom_attributes": contact.custom_attributes or {},
        "email": contact.email,
        "id": contact.id,
        "identifier": contact.identifier,
        "name": contact.name,
        "phone_number": contact.phone_number,
        # A credential: never sent. The key stays so clients that read it do not break.
        "pubsub_token": None,
        "thumbnail": contact.avatar_url or "",
        "blocked": contact.blocked,
        "type": "contact",
    }


def user_payload(user: AbstractBaseUser, account_id: int) -> dict[str, Any]:
    """An agent: ``id`` is the user's primary key, the rest is its ``Agent``."""
    agent = agent_of(user)
    return {
        "id": user.pk,
        "name": agent.name,
        "available_name": agent.available_name,
        "avatar_url": agent.avatar_url or "",
        "type": "user",
        # The same status presence.update reports (connected, chosen availability, auto_offline).
        "availability_status": agent_status(user.pk, account_id),
        "thumbnail": agent.avatar_url or "",
    }


def team_payload(team: Team) -> dict[str, Any]:
    return {"id": team.id, "name": team.name}


def contact_inbox_payload(session: ContactInbox) -> dict[str, Any]:
    # No pubsub_token here, ever: this object reaches every agent of the inbox.
    return {
        "id": session.id,
        "contact_id": session.contact_id,
        "inbox_id": session.inbox_id,
        "source_id": session.source_id,
        "created_at": iso_ms(session.created_at),
        "updated_at": iso_ms(session.updated_at),
        "hmac_verified": session.hmac_verified,
    }


def message_payload(
    message: Message, *, conversation: Conversation, echo_id: str | None = None
) -> dict[str, Any]:
    """Every message column, its conversation's list state, its sender (Message#push_event_data)."""
    payload: dict[str, Any] = {
        "id": message.id,
        "content": message.content,
        "account_id": message.account_id,
        "inbox_id": message.inbox_id,
        "conversation_id": conversation.display_id,
        "message_type": message.message_type,
        "created_at": epoch(message.created_at),
        "updated_at": iso_ms(message.updated_at),
        "private": message.private,
        "status": message.status,
        "source_id": message.source_id,
        "content_type": message.content_type,
        "content_attributes": message.content_attributes or {},
        "sender_type": message.sender_type,
        "sender_id": message.sender_user_id or message.sender_contact_id,
        "external_source_ids": message.external_source_ids or {},
        "additional_attributes": message.additional_attributes or {},
        "processed_message_content": message.processed_message_content,
        "sentiment": message.sentiment or {},
        # What the dashboard's message.created handler reads first, to move and badge the
        # conversation in its list. The session id is the contact's own (the contact's copy)
        # or one the account's agents already see in every conversation payload.
        "conversation": {
            "assignee_id": conversation.assignee_id,
            "unread_count": unread_count(conversation),
            "last_activity_at": epoch(conversation.last_activity_at),
            "contact_inbox": {"source_id": conversation.contact_inbox.source_id},
        },
    }
    sender = sender_payload(message)
    if sender is not None:
        payload["sender"] = sender
    attachments = attachment_payloads(message)
    if attachments:  # as Chatwoot: the key only when there are some
        payload["attachments"] = attachments
    if echo_id is not None:
        payload["echo_id"] = echo_id
    return payload


def sender_payload(message: Message) -> dict[str, Any] | None:
    """The agent's user view or the contact's, whoever wrote the message (None: the system)."""
    if message.sender_user is not None:
        return user_payload(message.sender_user, message.account_id)
    if message.sender_contact is not None:
        return contact_payload(message.sender_contact)
    return None


def attachment_payloads(message: Message) -> list[dict[str, Any]]:
    return [attachment_payload(a) for a in message.attachments.all()]


def attachment_payload(attachment: Attachment) -> dict[str, Any]:
    """Attachment#push_event_data: the common keys, then those of its file type."""
    payload: dict[str, Any] = {
        "id": attachment.id,
        "message_id": attachment.message_id,
        "file_type": attachment.file_type,
        "account_id": attachment.account_id,
    }
    kind = attachment.file_type
    if kind == Attachment.FileType.LOCATION:
        payload.update(
            coordinates_lat=attachment.coordinates_lat,
            coordinates_long=attachment.coordinates_long,
            fallback_title=attachment.fallback_title,
            data_url=attachment.external_url,
        )
        return payload
    if kind == Attachment.FileType.FALLBACK:
        payload.update(fallback_title=attachment.fallback_title, data_url=attachment.external_url)
        return payload
    payload.update(
        extension=attachment.extension,
        data_url=attachments.data_url(attachment),
        thumb_url=attachments.thumb_url(attachment),
        file_size=attachment.file_size,
        width=attachment.width,
        height=attachment.height,
    )
    if kind == Attachment.FileType.AUDIO:
        payload["transcribed_text"] = attachment.meta.get("transcribed_text") or ""
    return payload


def last_visible_message(conversation: Conversation) -> Message | None:
    """The conversation's last message that is neither a private note nor an activity."""
    return (
        conversation.messages.filter(private=False)
        .exclude(message_type=Message.MessageType.ACTIVITY)
        .select_related("sender_user__agent", "sender_contact")
        .order_by("-created_at", "-id")
        .first()
    )


def unread_count(conversation: Conversation) -> int:
    """The contact's messages after the agents last read the conversation, at most 10."""
    incoming = conversation.messages.filter(message_type=Message.MessageType.INCOMING)
    if conversation.agent_last_seen_at is not None:
        incoming = incoming.filter(created_at__gt=conversation.agent_last_seen_at)
    return len(incoming.values_list("id", flat=True)[:UNREAD_LIMIT])


def label_titles(labelled: Conversation | Contact) -> list[str]:
    return [label.title for label in labelled.labels.all()]


def conversation_payload(conversation: Conversation) -> dict[str, Any]:
    """The conversation's push data, without ``account_id`` (added per event)."""
    last = last_visible_message(conversation)
    assignee = conversation.assignee
    return {
        "additional_attributes": conversation.additional_attributes or {},
        "can_reply": True,
        "channel": conversation.inbox.channel_type,
        "id": conversation.display_id,
        "inbox_id": conversation.inbox_id,
        "contact_inbox": contact_inbox_payload(conversation.contact_inbox),
        "messages": [message_payload(last, conversation=conversation)] if last else [],
        "labels": label_titles(conversation),
        "meta": {
            "sender": contact_payload(conversation.contact),
            "assignee": (
                user_payload(assignee, conversation.account_id) if assignee is not None else None
            ),
            "assignee_type": "User" if assignee is not None else None,
            "team": team_payload(conversation.team) if conversation.team is not None else None,
            "hmac_verified": conversation.contact_inbox.hmac_verified,
        },
        "status": conversation.status,
        "custom_attributes": conversation.custom_attributes or {},
        "snoozed_until": iso_ms(conversation.snoozed_until),
        "unread_count": unread_count(conversation),
        # A time (or null), not seconds: Chatwoot's push data sends the raw datetime here.
        "first_reply_created_at": iso_ms(conversation.first_reply_created_at),
        "priority": conversation.priority,
        "waiting_since": epoch(conversation.waiting_since),
        "agent_last_seen_at": epoch(conversation.agent_last_seen_at),
        "contact_last_seen_at": epoch(conversation.contact_last_seen_at),
        "last_activity_at": epoch(conversation.last_activity_at),
        "timestamp": epoch(conversation.last_activity_at),
        "created_at": epoch(conversation.created_at),
        # Seconds with a fraction: the dashboard drops an update older than the one it holds.
        "updated_at": epoch_float(conversation.updated_at),
    }


def load_conversation(conversation_id: int) -> Conversation | None:
    """The conversation as committed, with everything its payload shows, in one query."""
    return (
        Conversation.objects.select_related(
            "inbox", "contact", "contact_inbox", "assignee__agent", "team"
        )
        .prefetch_related("labels")
        .filter(pk=conversation_id)
        .first()
    )


NOTIFICATION_TITLES = {
    "conversation_assignment": "A conversation (#{id}) has been assigned to you",
    "assigned_conversation_new_message": "A new message is created in conversation (#{id})",
    "conversation_mention": "You have been mentioned in conversation (#{id})",
    "participating_conversation_new_message": "A new message is created in conversation (#{id})",
}


def notification_payload(notification: Notification) -> dict[str, Any]:
    """Chatwoot's notification push data; the primary actor is the conversation (its display
    id, like every conversation id CarbonChat shows)."""
    conversation = notification.conversation
    title = NOTIFICATION_TITLES.get(notification.notification_type, "").format(
        id=conversation.display_id
    )
    message = notification.message
    body = (message.content or "")[:150] if message is not None else title
    return {
        "id": notification.id,
        "notification_type": notification.notification_type,
        "primary_actor_type": "Conversation",
        "primary_actor_id": conversation.display_id,
        "primary_actor": {
            **conversation_payload(conversation),
            "account_id": conversation.account_id,
        },
        "read_at": iso_ms(notification.read_at),
        "secondary_actor": (
            user_payload(notification.actor, notification.account_id)
            if notification.actor is not None
            else None
        ),
        "user": user_payload(notification.user, notification.account_id),
        "created_at": epoch(notification.created_at),
        "last_activity_at": epoch(notification.last_activity_at),
        "snoozed_until": iso_ms(notification.snoozed_until),
        "meta": notification.meta or {},
        "account_id": notification.account_id,
        "push_message_title": title,
        "push_message_body": body,
    }
