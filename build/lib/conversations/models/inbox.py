"""Inboxes: the channels conversations arrive through, and the agents who work them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .account import Account
from .tokens import new_inbox_identifier


class Inbox(models.Model):
    class ChannelType(models.TextChoices):
        WEB_WIDGET = "Channel::WebWidget", "Website widget"
        API = "Channel::Api", "API"
        EMAIL = "Channel::Email", "Email"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="inboxes")
    name = models.CharField(max_length=255)
    channel_type = models.CharField(max_length=32, choices=ChannelType.choices)
    # Public: it addresses the inbox in client API paths. Not a credential.
    identifier = models.CharField(max_length=64, unique=True, default=new_inbox_identifier)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "inboxes"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_type_display()})"


class InboxMember(models.Model):
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_memberships"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inbox", "user"], name="inbox_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.inbox}"
