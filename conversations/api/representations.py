"""Response bodies. Agents see the event payload shapes; contacts a narrower view."""

from typing import Any

from ..events.formats import epoch
from ..events.payloads import contact_payload, conversation_payload, message_payload
from ..models import Contact, ContactInbox, Conversation, Message
from ..selectors import conversation_messages


def conversation_body(conversation: Conversation) -> dict[str, Any]:
    return {**conversation_payload(conversation), "account_id": conversation.account_id}


def message_body(
    message: Message, conversation: Conversation, echo_id: str | None = None
) -> dict[str, Any]:
    return message_payload(message, conversation=conversation, echo_id=echo_id)


def contact_body(contact: Contact) -> dict[str, Any]:
    return {**contact_payload(contact), "account_id": contact.account_id}


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
