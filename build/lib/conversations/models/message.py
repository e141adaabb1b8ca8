"""Messages in a conversation, from a contact, an agent or the system."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .account import Account
from .contact import Contact
from .conversation import Conversation
from .inbox import Inbox
from .tracking import TracksChanges


class Message(TracksChanges):
    class MessageType(models.IntegerChoices):
        INCOMING = 0, "Incoming"
        OUTGOING = 1, "Outgoing"
        ACTIVITY = 2, "Activity"
        TEMPLATE = 3, "Template"

    class ContentType(models.TextChoices):
        TEXT = "text", "Text"
        INPUT_TEXT = "input_text", "Input text"
        INPUT_TEXTAREA = "input_textarea", "Input textarea"
        INPUT_EMAIL = "input_email", "Input email"
        INPUT_SELECT = "input_select", "Input select"
        CARDS = "cards", "Cards"
        FORM = "form", "Form"
        ARTICLE = "article", "Article"
        INCOMING_EMAIL = "incoming_email", "Incoming email"
        INPUT_CSAT = "input_csat", "CSAT"

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        READ = "read", "Read"
        FAILED = "failed", "Failed"

    tracked_fields = (
        "content",
        "content_type",
        "content_attributes",
        "status",
        "private",
        "external_source_ids",
    )

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="messages")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="messages")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    content = models.TextField(null=True, blank=True)
    message_type = models.PositiveSmallIntegerField(choices=MessageType.choices)
    content_type = models.CharField(
        max_length=32, choices=ContentType.choices, default=ContentType.TEXT
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    private = models.BooleanField(default=False)
    content_attributes = models.JSONField(default=dict, blank=True)
    external_source_ids = models.JSONField(default=dict, blank=True)
    additional_attributes = models.JSONField(default=dict, blank=True)
    # The text a reader sees (Chatwoot strips quoted email history into it); the content here.
    processed_message_content = models.TextField(null=True, blank=True)
    sentiment = models.JSONField(default=dict, blank=True)
    source_id = models.CharField(max_length=255, null=True, blank=True)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
    )
    sender_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sender_user__isnull=True) | Q(sender_contact__isnull=True),
                name="message_has_one_sender",
            ),
        ]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="message_conversation_time"),
        ]

    def __str__(self) -> str:
        return (self.content or "")[:60] or f"Message {self.pk}"

    @property
    def sender(self):
        return self.sender_user or self.sender_contact

    @property
    def sender_type(self) -> str | None:
        if self.sender_user_id is not None:
            return "User"
        if self.sender_contact_id is not None:
            return "Contact"
        return None

    @property
    def is_visible_to_contact(self) -> bool:
        """Private notes and activity messages are for agents only."""
        return not self.private and self.message_type != self.MessageType.ACTIVITY

    def save(self, *args, **kwargs) -> None:
        self.processed_message_content = self.content
        if kwargs.get("update_fields") is not None and "content" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "processed_message_content"}
        if self._state.adding:
            conversation = self.conversation
            self.account_id = self.account_id or conversation.account_id
            self.inbox_id = self.inbox_id or conversation.inbox_id
            with transaction.atomic(using=kwargs.get("using")):
                super().save(*args, **kwargs)
                # A new message is activity: it moves the conversation up the agents' lists.
                Conversation.objects.filter(pk=conversation.pk).update(
                    last_activity_at=self.created_at
                )
                conversation.last_activity_at = self.created_at
            return
        super().save(*args, **kwargs)
