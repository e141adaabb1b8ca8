"""Conversations, numbered per account."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from .account import Account
from .contact import Contact, ContactInbox
from .inbox import Inbox
from .team import Team
from .tracking import TracksChanges


class Conversation(TracksChanges):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        PENDING = "pending", "Pending"
        SNOOZED = "snoozed", "Snoozed"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    tracked_fields = (
        "status",
        "assignee",
        "team",
        "contact",
        "contact_inbox",
        "additional_attributes",
        "custom_attributes",
        "agent_last_seen_at",
        "contact_last_seen_at",
        "priority",
        "snoozed_until",
        "waiting_since",
        "first_reply_created_at",
    )

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="conversations")
    # The id every payload and URL shows: 1, 2, 3… within each account.
    display_id = models.PositiveIntegerField(editable=False)
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="conversations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="conversations")
    contact_inbox = models.ForeignKey(
        ContactInbox, on_delete=models.CASCADE, related_name="conversations"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_conversations",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    priority = models.CharField(max_length=16, choices=Priority.choices, null=True, blank=True)
    # Set only while snoozed: the snooze scheduler reopens the conversation at this time.
    snoozed_until = models.DateTimeField(null=True, blank=True)
    # Since when the contact has been waiting for a human answer (None: not waiting).
    waiting_since = models.DateTimeField(null=True, blank=True)
    first_reply_created_at = models.DateTimeField(null=True, blank=True)
    labels = models.ManyToManyField("Label", blank=True, related_name="conversations")
    additional_attributes = models.JSONField(default=dict, blank=True)
    custom_attributes = models.JSONField(default=dict, blank=True)
    agent_last_seen_at = models.DateTimeField(null=True, blank=True)
    contact_last_seen_at = models.DateTimeField(null=True, blank=True)
    assignee_last_seen_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "display_id"], name="conversation_display_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="conversation_account_status"),
            models.Index(fields=["inbox", "status"], name="conversation_inbox_status"),
            models.Index(fields=["status", "snoozed_until"], name="conversation_snoozed_until"),
            models.Index(fields=["account", "updated_at"], name="conversation_account_updated"),
        ]

    def __str__(self) -> str:
        return f"#{self.display_id} with {self.contact}"

    @property
    def muted(self) -> bool:
        """Chatwoot's meaning: the contact is blocked."""
        return self.contact.blocked

    def save(self, *args, **kwargs) -> None:
        # As Chatwoot: a snooze time means nothing once the conversation is not snoozed, and a
        # resolved conversation has nobody waiting.
        if self.status != self.Status.SNOOZED:
            self.snoozed_until = None
        if self.status == self.Status.RESOLVED:
            self.waiting_since = None
        if self._state.adding:
            self.waiting_since = self.waiting_since or self.created_at
            if self.contact.blocked:
                self.status = self.Status.RESOLVED
        if self._state.adding and self.display_id is None:
            with transaction.atomic(using=kwargs.get("using")):
                self.display_id = self._take_display_id()
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def _take_display_id(self) -> int:
        # The increment is one UPDATE: PostgreSQL holds the account row's lock until commit and
        # SQLite (transaction_mode IMMEDIATE) holds the database's write lock, so two concurrent
        # creations can never read the same number. The unique constraint is the backstop.
        Account.objects.filter(pk=self.account_id).update(
            last_conversation_display_id=F("last_conversation_display_id") + 1
        )
        return (
            Account.objects.filter(pk=self.account_id)
            .values_list("last_conversation_display_id", flat=True)
            .get()
        )
