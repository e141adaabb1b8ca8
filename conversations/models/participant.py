"""Agents taking part in a conversation: told of its new messages as its assignee is."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .account import Account
from .conversation import Conversation


class ConversationParticipant(models.Model):
    """Added when an agent is assigned or mentioned, or through the participants API; stays
    after a reassignment (as Chatwoot's)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.conversation}"
