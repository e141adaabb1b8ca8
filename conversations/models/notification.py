"""Notifications for one agent, and the mentions that make some of them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .account import Account
from .conversation import Conversation
from .message import Message


class Notification(models.Model):
    class Type(models.TextChoices):
        CONVERSATION_ASSIGNMENT = "conversation_assignment", "Assigned to you"
        ASSIGNED_CONVERSATION_NEW_MESSAGE = (
            "assigned_conversation_new_message",
            "New message in a conversation assigned to you",
        )
        CONVERSATION_MENTION = "conversation_mention", "You were mentioned"
        PARTICIPATING_CONVERSATION_NEW_MESSAGE = (
            "participating_conversation_new_message",
            "New message in a conversation you take part in",
        )

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    notification_type = models.CharField(max_length=48, choices=Type.choices)
    # The primary actor (Chatwoot's): the conversation.
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="notifications"
    )
    # The secondary actor: who assigned, who wrote; and the message, for message notifications.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    meta = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["user", "account", "read_at"], name="notification_user_unread")
        ]

    def __str__(self) -> str:
        return f"{self.get_notification_type_display()} (#{self.conversation_id})"


class Mention(models.Model):
    """An agent mentioned in a private note (``mention://user/<id>/<name>``)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="mentions"
    )
    mentioned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-mentioned_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "conversation"], name="mention_unique")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} in #{self.conversation_id}"
