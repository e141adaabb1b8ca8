"""Conversation participants: the agents told of a conversation's new messages besides its
assignee (Chatwoot's ``conversation_participants``)."""

from collections.abc import Iterable

from django.db import transaction

from ..models import Conversation, ConversationParticipant


def participants_add(*, conversation: Conversation, user_ids: Iterable[int]) -> None:
    """Idempotent: an agent already taking part stays as it was."""
    ConversationParticipant.objects.bulk_create(
        [
            ConversationParticipant(
                account_id=conversation.account_id, conversation=conversation, user_id=user_id
            )
            for user_id in set(user_ids)
        ],
        ignore_conflicts=True,  # a concurrent add of the same agent is no error
    )


@transaction.atomic
def participants_remove(*, conversation: Conversation, user_ids: Iterable[int]) -> None:
    ConversationParticipant.objects.filter(
        conversation=conversation, user_id__in=list(user_ids)
    ).delete()


@transaction.atomic
def participants_set(*, conversation: Conversation, user_ids: Iterable[int]) -> None:
    """Exactly these agents take part (Chatwoot's ``PATCH participants``)."""
    wanted = set(user_ids)
    current = set(conversation.participants.values_list("user_id", flat=True))
    participants_remove(conversation=conversation, user_ids=current - wanted)
    participants_add(conversation=conversation, user_ids=wanted - current)


def participant_ids(conversation: Conversation) -> list[int]:
    return list(conversation.participants.values_list("user_id", flat=True))
