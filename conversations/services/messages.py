"""Services that write messages."""

from typing import Any

from django.db import transaction

from ..models import Contact, Conversation, Message, User

DELETED_CONTENT = "This message was deleted"


@transaction.atomic
def message_create(
    *,
    conversation: Conversation,
    content: str | None,
    message_type: int,
    sender: User | Contact | None = None,
    private: bool = False,
    content_type: str = Message.ContentType.TEXT,
    content_attributes: dict[str, Any] | None = None,
    source_id: str | None = None,
    echo_id: str | None = None,
) -> Message:
    message = Message(
        conversation=conversation,
        account_id=conversation.account_id,
        inbox_id=conversation.inbox_id,
        content=content,
        message_type=message_type,
        private=private,
        content_type=content_type,
        content_attributes=content_attributes or {},
        source_id=source_id,
        sender_user=sender if isinstance(sender, User) else None,
        sender_contact=sender if isinstance(sender, Contact) else None,
    )
    # Not stored: returned in the event so the sender's client can match its optimistic copy.
    message.echo_id = echo_id
    message.save()
    return message


@transaction.atomic
def message_update(
    *,
    message: Message,
    content: str | None = None,
    content_attributes: dict[str, Any] | None = None,
    status: str | None = None,
) -> Message:
    if content is not None:
        message.content = content
    if content_attributes is not None:
        message.content_attributes = {**message.content_attributes, **content_attributes}
    if status is not None:
        message.status = status
    message.save()
    return message


@transaction.atomic
def message_delete(*, message: Message) -> Message:
    """Soft delete: the content is replaced and marked, and clients see ``message.updated``."""
    message.content = DELETED_CONTENT
    message.content_attributes = {**message.content_attributes, "deleted": True}
    message.save()
    return message
