"""
Event payloads, key for key and type for type as the documented samples.

Deliberate differences from the original system, listed in ``docs/events.md``: wherever the
samples show a ``pubsub_token`` inside an object its value is ``null`` (the original leaked the
contact's socket credential to every agent), and a few keys close gaps the samples leave.
"""

from typing import Any

from ..models import Contact, ContactInbox, Conversation, Message, Team, User
from ..presence import agent_status
from .formats import epoch, iso_ms


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
        "type": "contact",
    }


def user_payload(user: User, account_id: int) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "available_name": user.available_name,
        "avatar_url": user.avatar_url or "",
        "type": "user",
        # The same status presence.update reports (connected, chosen availability, auto_offline).
        "availability_status": agent_status(user.id, account_id),
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
    }
    if message.sender_user is not None:
        payload["sender"] = user_payload(message.sender_user, message.account_id)
    elif message.sender_contact is not None:
        payload["sender"] = contact_payload(message.sender_contact)
    if echo_id is not None:
        payload["echo_id"] = echo_id
    return payload


def last_visible_message(conversation: Conversation) -> Message | None:
    """The conversation's last message that is neither a private note nor an activity."""
    return (
        conversation.messages.filter(private=False)
        .exclude(message_type=Message.MessageType.ACTIVITY)
        .select_related("sender_user", "sender_contact")
        .order_by("-created_at", "-id")
        .first()
    )


def unread_count(conversation: Conversation) -> int:
    """The contact's messages after the agents last read the conversation."""
    incoming = conversation.messages.filter(message_type=Message.MessageType.INCOMING)
    if conversation.agent_last_seen_at is not None:
        incoming = incoming.filter(created_at__gt=conversation.agent_last_seen_at)
    return incoming.count()


def conversation_payload(conversation: Conversation) -> dict[str, Any]:
    """The conversation as the samples show it, without ``account_id`` (added per event)."""
    last = last_visible_message(conversation)
    return {
        "additional_attributes": conversation.additional_attributes or {},
        "can_reply": True,
        "channel": conversation.inbox.channel_type,
        "id": conversation.display_id,
        "inbox_id": conversation.inbox_id,
        "contact_inbox": contact_inbox_payload(conversation.contact_inbox),
        "messages": [message_payload(last, conversation=conversation)] if last else [],
        "meta": {
            "sender": contact_payload(conversation.contact),
            "assignee": (
                user_payload(conversation.assignee, conversation.account_id)
                if conversation.assignee is not None
                else None
            ),
            # Added: which team a team.changed moved the conversation to.
            "team": team_payload(conversation.team) if conversation.team is not None else None,
        },
        "status": conversation.status,
        # Added: conversation.updated reports custom attribute changes; clients need the values.
        "custom_attributes": conversation.custom_attributes or {},
        "unread_count": unread_count(conversation),
        "agent_last_seen_at": epoch(conversation.agent_last_seen_at),
        "contact_last_seen_at": epoch(conversation.contact_last_seen_at),
        "timestamp": epoch(conversation.last_activity_at),
        # Added: lets clients order updates of one conversation that arrive close together.
        "updated_at": iso_ms(conversation.updated_at),
    }


def load_conversation(conversation_id: int) -> Conversation | None:
    """The conversation as committed, with everything its payload shows, in one query."""
    return (
        Conversation.objects.select_related("inbox", "contact", "contact_inbox", "assignee", "team")
        .filter(pk=conversation_id)
        .first()
    )
