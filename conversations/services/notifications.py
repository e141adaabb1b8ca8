"""Services that notify agents, and that they use to read, snooze and clear notifications.

Who is notified, as Chatwoot does: the new assignee of an agent's assignment (unless they
assigned themselves; as activity messages, a change from the shell or the admin notifies
nobody); every agent a private note mentions (``mention://user/<id>/<name>``, which also
records a ``Mention`` and makes the agent a participant); and, for a new message not their
own, the conversation's assignee and then its participants. Each agent is told of a message
once, whichever of these reasons came first.
"""

import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import AccountUser, Conversation, Mention, Message, Notification
from . import participants

MENTION = re.compile(r"mention://user/(\d{1,19})/")


def notification_create(
    *,
    user_id: int,
    conversation: Conversation,
    notification_type: str,
    actor: Any = None,
    message: Message | None = None,
) -> Notification:
    return Notification.objects.create(
        account_id=conversation.account_id,
        user_id=user_id,
        conversation=conversation,
        notification_type=notification_type,
        actor=actor,
        message=message,
    )


def notify_assignment(*, conversation: Conversation, actor: Any) -> None:
    if conversation.assignee_id is None or (
        actor is not None and actor.pk == conversation.assignee_id
    ):
        return
    notification_create(
        user_id=conversation.assignee_id,
        conversation=conversation,
        notification_type=Notification.Type.CONVERSATION_ASSIGNMENT,
        actor=actor,
    )


def notify_message(*, message: Message) -> None:
    """A new message: its conversation's assignee hears of it, mentioned agents too."""
    conversation = message.conversation
    if message.message_type == Message.MessageType.ACTIVITY:
        return
    mentioned = mentioned_agents(message)
    for user_id in mentioned:
        Mention.objects.update_or_create(
            user_id=user_id,
            conversation=conversation,
            defaults={"account_id": conversation.account_id, "mentioned_at": timezone.now()},
        )
        notification_create(
            user_id=user_id,
            conversation=conversation,
            notification_type=Notification.Type.CONVERSATION_MENTION,
            actor=message.sender_user,
            message=message,
        )
    if mentioned:
        participants.participants_add(conversation=conversation, user_ids=mentioned)
    if message.private:
        return
    notified = set(mentioned) | {message.sender_user_id}
    assignee = conversation.assignee_id
    if assignee is not None and assignee not in notified:
        notification_create(
            user_id=assignee,
            conversation=conversation,
            notification_type=Notification.Type.ASSIGNED_CONVERSATION_NEW_MESSAGE,
            actor=message.sender_user,
            message=message,
        )
        notified.add(assignee)
    for user_id in participants.participant_ids(conversation):
        if user_id not in notified:
            notification_create(
                user_id=user_id,
                conversation=conversation,
                notification_type=Notification.Type.PARTICIPATING_CONVERSATION_NEW_MESSAGE,
                actor=message.sender_user,
                message=message,
            )


def mentioned_agents(message: Message) -> list[int]:
    """Agents of the account a private note mentions (never the writer)."""
    if not message.private or not message.content:
        return []
    ids = {int(found) for found in MENTION.findall(message.content)}
    ids.discard(message.sender_user_id)
    if not ids:
        return []
    return sorted(
        AccountUser.objects.filter(account_id=message.account_id, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def notification_read(*, notification: Notification, read: bool = True) -> Notification:
    notification.read_at = timezone.now() if read else None
    notification.save()
    return notification


@transaction.atomic
def notifications_read_all(*, user: Any, account_id: int) -> int:
    unread = Notification.objects.filter(user=user, account_id=account_id, read_at__isnull=True)
    count = 0
    for notification in unread:  # one by one: each sends notification.updated
        notification_read(notification=notification)
        count += 1
    return count


@transaction.atomic
def notification_snooze(*, notification: Notification, until: datetime) -> Notification:
    notification.snoozed_until = until
    notification.read_at = timezone.now()
    notification.save()
    return notification


@transaction.atomic
def notification_delete(*, notification: Notification) -> None:
    notification.delete()
