"""Services that change conversations."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ..models import Contact, ContactInbox, Conversation, Inbox, Label, Message, Team
from ..signals import typing_changed
from . import activity, notifications, participants

UNSET: Any = object()


@transaction.atomic
def conversation_create(
    *,
    inbox: Inbox,
    contact_inbox: ContactInbox,
    assignee: AbstractBaseUser | None = None,
    team: Team | None = None,
    status: str = Conversation.Status.OPEN,
    additional_attributes: dict[str, Any] | None = None,
    custom_attributes: dict[str, Any] | None = None,
) -> Conversation:
    conversation = Conversation.objects.create(
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
    if assignee is not None:
        participants.participants_add(conversation=conversation, user_ids=[assignee.pk])
    return conversation


@transaction.atomic
def conversation_toggle_status(
    *,
    conversation: Conversation,
    status: str | None = None,
    snoozed_until: datetime | None = None,
    actor: AbstractBaseUser | Contact | None = None,
) -> None:
    """Set ``status``; without one, open becomes resolved and anything else becomes open.

    ``snoozed_until`` goes with ``snoozed`` (None: snoozed until the contact writes); the
    snooze scheduler reopens the conversation when it is due. With an ``actor`` the change is
    written as an activity message, as the dashboard shows it.
    """
    if status is None:
        status = (
            Conversation.Status.RESOLVED
            if conversation.status == Conversation.Status.OPEN
            else Conversation.Status.OPEN
        )
    changed = status != conversation.status
    conversation.status = status
    conversation.snoozed_until = snoozed_until if status == Conversation.Status.SNOOZED else None
    conversation.save()
    if changed and actor is not None:
        activity.status_activity(conversation=conversation, actor=actor)


@transaction.atomic
def conversation_toggle_priority(
    *, conversation: Conversation, priority: str | None, actor: AbstractBaseUser | None = None
) -> None:
    """Set the priority (low, medium, high, urgent) or clear it with None."""
    before = conversation.priority
    conversation.priority = priority or None
    conversation.save()
    if actor is not None and before != conversation.priority:
        activity.priority_activity(
            conversation=conversation, actor=actor, before=before, after=conversation.priority
        )


@transaction.atomic
def conversation_assign(
    *,
    conversation: Conversation,
    assignee: AbstractBaseUser | None = UNSET,
    team: Team | None = UNSET,
    actor: AbstractBaseUser | None = None,
) -> None:
    """Assign an agent and/or a team; ``None`` clears, leaving one out keeps it."""
    previous_assignee, previous_team = conversation.assignee_id, conversation.team
    if assignee is not UNSET:
        conversation.assignee = assignee
    if team is not UNSET:
        conversation.team = team
    conversation.save()
    assignee_changed = conversation.assignee_id != previous_assignee
    if assignee_changed and conversation.assignee_id is not None:
        # As Chatwoot's ParticipationListener: whoever is assigned takes part from then on.
        participants.participants_add(
            conversation=conversation, user_ids=[conversation.assignee_id]
        )
    if actor is None:
        return
    if assignee_changed:
        notifications.notify_assignment(conversation=conversation, actor=actor)
    if conversation.team_id != (previous_team.pk if previous_team else None):
        activity.team_activity(
            conversation=conversation,
            actor=actor,
            previous=previous_team,
            with_assignee=assignee_changed,
        )
    elif assignee_changed:
        activity.assignee_activity(conversation=conversation, actor=actor)


@transaction.atomic
def conversation_labels_set(
    *, conversation: Conversation, labels: Iterable[Label], actor: AbstractBaseUser | None = None
) -> list[str]:
    """Replace the conversation's labels (Chatwoot's ``update_labels``); returns the titles."""
    labels = list(labels)
    before = {label.title for label in conversation.labels.all()}
    after = {label.title for label in labels}
    if before != after:
        conversation.labels.set(labels)
        # updated_at moves so clients that drop stale updates take this one; the catalogue
        # hears the change itself (m2m_changed) and sends conversation.updated.
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
        if actor is not None:
            activity.labels_activity(
                conversation=conversation,
                actor=actor,
                added=sorted(after - before),
                removed=sorted(before - after),
            )
    return sorted(after)


def conversation_reopen_due(*, now: datetime | None = None, limit: int = 100) -> int:
    """Reopen snoozed conversations whose ``snoozed_until`` has come; returns how many.

    Each is re-read under a row lock and reopened in its own transaction, so several server
    processes sweeping at once reopen each conversation once.
    """
    now = now or timezone.now()
    due = list(
        Conversation.objects.filter(
            status=Conversation.Status.SNOOZED, snoozed_until__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    reopened = 0
    for pk in due:
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Conversation.Status.SNOOZED, snoozed_until__lte=now)
                .first()
            )
            if conversation is None:
                continue
            conversation.status = Conversation.Status.OPEN
            conversation.save()
            reopened += 1
    return reopened


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
    *,
    conversation: Conversation,
    typist: AbstractBaseUser | Contact,
    on: bool,
    is_private: bool = False,
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
def conversation_mark_seen_by_agent(
    *, conversation: Conversation, agent: AbstractBaseUser | None = None
) -> None:
    """The agents read the conversation; the assignee's own read is remembered too."""
    now = timezone.now()
    conversation.agent_last_seen_at = now
    if agent is not None and conversation.assignee_id == agent.pk:
        conversation.assignee_last_seen_at = now
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


@transaction.atomic
def conversation_mute(
    *, conversation: Conversation, muted: bool, actor: AbstractBaseUser | None = None
) -> None:
    """Mute (Chatwoot's ``mute!``): resolve the conversation and block its contact; unmute
    unblocks the contact. Muted means the contact is blocked."""
    contact = conversation.contact
    contact.blocked = muted
    contact.save()
    if muted and conversation.status != Conversation.Status.RESOLVED:
        conversation_toggle_status(conversation=conversation, status=Conversation.Status.RESOLVED)
    if actor is not None:
        verb = "muted" if muted else "unmuted"
        activity.activity_create(
            conversation=conversation,
            content=f"{activity.actor_name(actor)} has {verb} the conversation",
        )


@transaction.atomic
def conversation_mark_unread(*, conversation: Conversation) -> None:
    """Back to unread from the contact's last message on (Chatwoot: its time minus 1 s)."""
    last = (
        conversation.messages.filter(message_type=Message.MessageType.INCOMING)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is None:
        return
    conversation.agent_last_seen_at = last - timedelta(seconds=1)
    conversation.assignee_last_seen_at = conversation.agent_last_seen_at
    conversation.save()
