"""Services that change conversations."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Contact, ContactInbox, Conversation, Inbox, Message, Team, User
from ..signals import typing_changed

UNSET: Any = object()


@transaction.atomic
def conversation_create(
    *,
    inbox: Inbox,
    contact_inbox: ContactInbox,
    assignee: User | None = None,
    team: Team | None = None,
    status: str = Conversation.Status.OPEN,
    additional_attributes: dict[str, Any] | None = None,
    custom_attributes: dict[str, Any] | None = None,
) -> Conversation:
    return Conversation.objects.create(
        account_id=inbox.account_id,
        inbox=inbox,
        contact_id=contact_inbox.contact_id,
        contact_inbox=contact_inbox,
        assignee=assignee,
        team=team,
        status=status,
        additional_attributes=additional_attributes or {},
        custom_attributes=custom_attributes or {},
    )


@transaction.atomic
def conversation_toggle_status(*, conversation: Conversation, status: str | None = None) -> None:
    """Set ``status``; without one, open becomes resolved and anything else becomes open."""
    if status is None:
        status = (
            Conversation.Status.RESOLVED
            if conversation.status == Conversation.Status.OPEN
            else Conversation.Status.OPEN
        )
    conversation.status = status
    conversation.save()


@transaction.atomic
def conversation_assign(
    *, conversation: Conversation, assignee: User | None = UNSET, team: Team | None = UNSET
) -> None:
    """Assign an agent and/or a team; ``None`` clears, leaving one out keeps it."""
    if assignee is not UNSET:
        conversation.assignee = assignee
    if team is not UNSET:
        conversation.team = team
    conversation.save()


@transaction.atomic
def conversation_update_attributes(
    *,
    conversation: Conversation,
    custom_attributes: dict[str, Any] | None = None,
    additional_attributes: dict[str, Any] | None = None,
) -> None:
    if custom_attributes is not None:
        conversation.custom_attributes = custom_attributes
    if additional_attributes is not None:
        conversation.additional_attributes = additional_attributes
    conversation.save()


def conversation_toggle_typing(
    *, conversation: Conversation, typist: User | Contact, on: bool, is_private: bool = False
) -> None:
    """Tell the others in the conversation that ``typist`` started or stopped typing."""
    typing_changed.send(
        sender=Conversation,
        conversation=conversation,
        typist=typist,
        on=on,
        is_private=is_private,
    )


@transaction.atomic
def conversation_mark_seen_by_agent(*, conversation: Conversation) -> None:
    conversation.agent_last_seen_at = timezone.now()
    conversation.save()


@transaction.atomic
def conversation_mark_seen_by_contact(*, conversation: Conversation) -> None:
    """The contact read the conversation: agents hear ``conversation.read``, and the agents'
    messages the contact has now seen become ``read`` (a ``message.updated`` each)."""
    now = timezone.now()
    conversation.contact_last_seen_at = now
    conversation.save()
    unread = conversation.messages.filter(
        message_type=Message.MessageType.OUTGOING,
        private=False,
        status__in=[Message.Status.SENT, Message.Status.DELIVERED],
        created_at__lte=now,
    )
    for message in unread:
        message.status = Message.Status.READ
        message.save()
