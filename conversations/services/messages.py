"""Services that write messages."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ..models import Contact, Conversation, Message
from . import activity, notifications
from . import attachments as attachment_services

DELETED_CONTENT = "This message was deleted"


@transaction.atomic
def message_create(
    *,
    conversation: Conversation,
    content: str | None,
    message_type: int,
    sender: AbstractBaseUser | Contact | None = None,
    private: bool = False,
    content_type: str = Message.ContentType.TEXT,
    content_attributes: dict[str, Any] | None = None,
    additional_attributes: dict[str, Any] | None = None,
    source_id: str | None = None,
    echo_id: str | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """``attachments``: uploads saved with the message, in its event and answer."""
    message = Message(
        conversation=conversation,
        account_id=conversation.account_id,
        inbox_id=conversation.inbox_id,
        content=content,
        message_type=message_type,
        private=private,
        content_type=content_type,
        content_attributes=content_attributes or {},
        additional_attributes=additional_attributes or {},
        source_id=source_id,
        sender_user=sender if sender is not None and not isinstance(sender, Contact) else None,
        sender_contact=sender if isinstance(sender, Contact) else None,
    )
    # Not stored: returned in the event so the sender's client can match its optimistic copy.
    message.echo_id = echo_id
    first_reply = is_first_reply(message)
    message.is_first_reply = first_reply  # the catalogue sends first.reply.created with it
    message.save()
    for upload in attachments:
        attachment_services.attachment_create(message=message, upload=upload)
    conversation_after_message(conversation=conversation, message=message, first_reply=first_reply)
    notifications.notify_message(message=message)
    return message


def is_human_reply(message: Message) -> bool:
    """An agent's public answer to the contact (not a note, an activity or automation)."""
    return (
        message.message_type == Message.MessageType.OUTGOING
        and message.sender_user_id is not None
        and not message.private
        and not message.content_attributes.get("automation_rule_id")
        and not message.additional_attributes.get("campaign_id")
    )


def is_first_reply(message: Message) -> bool:
    return is_human_reply(message) and message.conversation.first_reply_created_at is None


def conversation_after_message(
    *, conversation: Conversation, message: Message, first_reply: bool
) -> None:
    """What a new message means for its conversation, as in Chatwoot's Message callbacks.

    A contact writing reopens a resolved or snoozed conversation (not a muted one) and starts
    the wait for an answer; an agent's public reply ends the wait, and the first one is
    remembered as the first reply.
    """
    conversation.refresh_from_db()
    reopen = (
        message.message_type == Message.MessageType.INCOMING
        and conversation.status in {Conversation.Status.RESOLVED, Conversation.Status.SNOOZED}
        and not conversation.contact.blocked
    )
    if reopen:
        conversation.status = Conversation.Status.OPEN
    if first_reply:
        conversation.first_reply_created_at = message.created_at
    if is_human_reply(message):
        conversation.waiting_since = None
    elif message.message_type == Message.MessageType.INCOMING and not conversation.waiting_since:
        conversation.waiting_since = message.created_at
    if conversation.changed_fields():
        conversation.save()
    if reopen:
        activity.activity_create(conversation=conversation, content=activity.SYSTEM_REOPENED)


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


# Messages a contact answers: forms, the input kinds, and the satisfaction survey.
ANSWERABLE = frozenset(
    {
        Message.ContentType.FORM,
        Message.ContentType.INPUT_TEXT,
        Message.ContentType.INPUT_TEXTAREA,
        Message.ContentType.INPUT_EMAIL,
        Message.ContentType.INPUT_SELECT,
        Message.ContentType.INPUT_CSAT,
        Message.ContentType.CARDS,
    }
)
# As Chatwoot: a satisfaction survey takes answers for 14 days.
CSAT_ANSWER_DAYS = 14


class NotAnswerable(ValueError):
    """The message takes no answer (any more)."""


@transaction.atomic
def message_answer(
    *,
    message: Message,
    submitted_values: list[dict[str, Any]] | None = None,
    csat_survey_response: dict[str, Any] | None = None,
) -> Message:
    """A contact's answer to a form, an input or a survey, kept in ``content_attributes``
    (clients see ``message.updated`` with ``previous_changes``)."""
    if message.content_type not in ANSWERABLE or message.private:
        raise NotAnswerable("This message takes no answer.")
    if message.content_type == Message.ContentType.INPUT_CSAT and (
        timezone.now() - message.created_at
    ) > timedelta(days=CSAT_ANSWER_DAYS):
        raise NotAnswerable(f"The survey took answers for {CSAT_ANSWER_DAYS} days only.")
    answer: dict[str, Any] = {}
    if submitted_values is not None:
        answer["submitted_values"] = submitted_values
    if csat_survey_response is not None:
        answer["csat_survey_response"] = csat_survey_response
    return message_update(message=message, content_attributes=answer)


@transaction.atomic
def message_delete(*, message: Message) -> Message:
    """Soft delete: the content is replaced and marked, and clients see ``message.updated``."""
    message.content = DELETED_CONTENT
    message.content_attributes = {**message.content_attributes, "deleted": True}
    # As Chatwoot: the files go with the content.
    attachment_services.attachments_delete(message=message)
    message.save()
    return message
