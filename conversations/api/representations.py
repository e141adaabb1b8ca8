"""Response bodies. Agents see the event payload shapes; contacts a narrower view."""

from typing import Any

from .. import presence
from ..events.formats import epoch, iso_ms
from ..events.payloads import (
    contact_payload,
    conversation_payload,
    label_titles,
    message_payload,
    user_payload,
)
from ..models import AccountUser, Contact, ContactInbox, Conversation, Inbox, Label, Message, Team
from ..models.agent import agent_of
from ..selectors import conversation_messages


def conversation_body(conversation: Conversation) -> dict[str, Any]:
    """The push data plus what Chatwoot's REST view adds or sends differently
    (``api/v1/conversations/partials/_conversation.json.jbuilder``)."""
    body = {**conversation_payload(conversation), "account_id": conversation.account_id}
    last_public = (
        conversation.messages.exclude(message_type=Message.MessageType.ACTIVITY)
        .select_related("sender_user__agent", "sender_contact")
        .order_by("-created_at", "-id")
        .first()
    )
    body.update(
        {
            "muted": conversation.contact.blocked,
            "assignee_last_seen_at": epoch(conversation.assignee_last_seen_at),
            # Seconds here, unlike the push data.
            "first_reply_created_at": epoch(conversation.first_reply_created_at),
            "last_non_activity_message": (
                message_payload(last_public, conversation=conversation) if last_public else None
            ),
            "meta": {**body["meta"], "channel": conversation.inbox.channel_type},
        }
    )
    return body


def messages_meta(conversation: Conversation) -> dict[str, Any]:
    """The ``meta`` of a conversation's message list, for agents."""
    meta: dict[str, Any] = {
        "labels": label_titles(conversation),
        "additional_attributes": conversation.additional_attributes or {},
        "contact": contact_body(conversation.contact),
        "agent_last_seen_at": iso_ms(conversation.agent_last_seen_at),
        "assignee_last_seen_at": iso_ms(conversation.assignee_last_seen_at),
    }
    if conversation.assignee is not None:
        meta["assignee"] = user_payload(conversation.assignee, conversation.account_id)
    return meta


def label_body(label: Label) -> dict[str, Any]:
    return {
        "id": label.id,
        "title": label.title,
        "description": label.description,
        "color": label.color,
        "show_on_sidebar": label.show_on_sidebar,
    }


def message_body(
    message: Message, conversation: Conversation, echo_id: str | None = None
) -> dict[str, Any]:
    return message_payload(message, conversation=conversation, echo_id=echo_id)


def contact_body(
    contact: Contact, *, online: set[str] | None = None, with_sessions: bool = False
) -> dict[str, Any]:
    """The push data plus Chatwoot's REST keys (``api/v1/models/_contact``); ``online``: the
    account's connected contact ids, when the caller has them (a list reads them once)."""
    if online is None:
        online = presence.online_contacts(contact.account_id)
    body = {
        **contact_payload(contact),
        "account_id": contact.account_id,
        "availability_status": "online" if str(contact.pk) in online else "offline",
        "created_at": epoch(contact.created_at),
        "last_activity_at": None,
    }
    if with_sessions:
        body["contact_inboxes"] = [
            contact_inbox_body(session)
            for session in contact.contact_inboxes.select_related("inbox").order_by("id")
        ]
    return body


def contact_inbox_body(session: ContactInbox) -> dict[str, Any]:
    """A contact's session in an inbox, for agents (``api/v1/models/_contact_inbox``)."""
    return {"source_id": session.source_id, "inbox": contact_inbox_body_inbox(session.inbox)}


def contact_inbox_body_inbox(inbox: Inbox) -> dict[str, Any]:
    """An inbox as a contact session shows it (``api/v1/models/_inbox_slim``)."""
    return {
        "id": inbox.id,
        "avatar_url": "",
        "channel_id": inbox.id,
        "name": inbox.name,
        "channel_type": inbox.channel_type,
        "provider": None,
    }


def public_contact_body(session: ContactInbox) -> dict[str, Any]:
    """The only response that carries a socket token: the contact's own, to the contact."""
    contact = session.contact
    return {
        "id": contact.id,
        "source_id": session.source_id,
        "pubsub_token": session.pubsub_token,
        "name": contact.name,
        "email": contact.email,
        "phone_number": contact.phone_number,
    }


def public_conversation_body(conversation: Conversation) -> dict[str, Any]:
    messages = conversation_messages(conversation=conversation, for_contact=True)
    return {
        "id": conversation.display_id,
        "inbox_id": conversation.inbox_id,
        "status": conversation.status,
        "contact_last_seen_at": epoch(conversation.contact_last_seen_at),
        "agent_last_seen_at": epoch(conversation.agent_last_seen_at),
        "messages": [message_payload(m, conversation=conversation) for m in messages],
        "contact": {
            "id": conversation.contact_id,
            "name": conversation.contact.name,
            "email": conversation.contact.email,
        },
    }


def email_of(user: Any) -> str:
    field = user.get_email_field_name() if hasattr(user, "get_email_field_name") else "email"
    return getattr(user, field, "") or ""


def agent_body(membership: AccountUser) -> dict[str, Any]:
    """An agent of an account (``api/v1/models/_agent``)."""
    user = membership.user
    agent = agent_of(user)
    return {
        "id": user.pk,
        "account_id": membership.account_id,
        "availability_status": presence.agent_status(user.pk, membership.account_id),
        "auto_offline": membership.auto_offline,
        "confirmed": True,
        "email": email_of(user),
        "provider": "email",
        "available_name": agent.available_name,
        "name": agent.name,
        "display_name": agent.display_name,
        "role": membership.role,
        "thumbnail": agent.avatar_url or "",
        "avatar_url": agent.avatar_url or "",
        "type": "user",
    }


def team_fields(team: Team) -> dict[str, Any]:
    return {
        "id": team.id,
        "name": team.name,
        "description": team.description,
        "allow_auto_assign": team.allow_auto_assign,
        "account_id": team.account_id,
    }


def team_columns(team: Team) -> dict[str, Any]:
    """A team as Chatwoot renders the record itself (the assignment answer)."""
    return {
        **team_fields(team),
        "created_at": iso_ms(team.created_at),
        "updated_at": iso_ms(team.created_at),  # teams keep no update time
    }
