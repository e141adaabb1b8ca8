"""Contacts (the customers) and their sessions in inboxes."""

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .account import Account
from .inbox import Inbox
from .tokens import new_pubsub_token, token_digest
from .tracking import TracksChanges


def new_source_id() -> str:
    return str(uuid.uuid4())


class Contact(TracksChanges):
    tracked_fields = (
        "name",
        "email",
        "phone_number",
        "identifier",
        "avatar_url",
        "additional_attributes",
        "custom_attributes",
        "blocked",
    )

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=255, null=True, blank=True)
    phone_number = models.CharField(max_length=32, null=True, blank=True)
    identifier = models.CharField(max_length=255, null=True, blank=True)
    avatar_url = models.URLField(max_length=1024, blank=True)
    additional_attributes = models.JSONField(default=dict, blank=True)
    custom_attributes = models.JSONField(default=dict, blank=True)
    # Blocked contacts' new conversations start resolved; their conversations read as muted.
    blocked = models.BooleanField(default=False)
    labels = models.ManyToManyField("Label", blank=True, related_name="contacts")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # Case-insensitive: Jane@Acme.inc and jane@acme.inc are one person in one account.
            models.UniqueConstraint(
                Lower("email"), "account", name="contact_email_unique_per_account"
            ),
            models.UniqueConstraint(
                fields=["account", "identifier"], name="contact_identifier_unique_per_account"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.email or f"Contact {self.pk}"

    def save(self, *args, **kwargs) -> None:
        # Blank strings from forms would collide in the unique constraints; absent is NULL.
        self.email = (self.email or "").strip() or None
        self.identifier = (self.identifier or "").strip() or None
        self.phone_number = (self.phone_number or "").strip() or None
        super().save(*args, **kwargs)


class ContactInbox(models.Model):
    """One contact session in one inbox, with the socket token of that session."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="contact_inboxes")
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="contact_inboxes")
    source_id = models.CharField(max_length=255, default=new_source_id)
    pubsub_token = models.CharField(max_length=64, unique=True, default=new_pubsub_token)
    # Subscribes find the session by this digest and then compare the token in constant time:
    # an index lookup on the token itself would leak, through timing, how much of a guess
    # matched.
    pubsub_token_digest = models.CharField(max_length=64, unique=True, editable=False)
    hmac_verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "contact session"
        constraints = [
            models.UniqueConstraint(
                fields=["inbox", "source_id"], name="contact_inbox_source_unique_per_inbox"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} in {self.inbox.name}"

    def save(self, *args, **kwargs) -> None:
        self.pubsub_token_digest = token_digest(self.pubsub_token)
        if kwargs.get("update_fields") is not None and "pubsub_token" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "pubsub_token_digest"}
        super().save(*args, **kwargs)
