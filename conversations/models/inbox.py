"""Inboxes: the channels conversations arrive through, and the agents who work them."""

from django.conf import settings
from django.db import models
from django.utils import timezone as tz

from .account import Account
from .tokens import new_hmac_token, new_inbox_identifier, new_website_token


class Inbox(models.Model):
    """An inbox and its channel in one row: CarbonChat's channels (API, website widget) carry
    a few settings each, so they live here rather than in a table per channel as Chatwoot's."""

    class ChannelType(models.TextChoices):
        WEB_WIDGET = "Channel::WebWidget", "Website widget"
        API = "Channel::Api", "API"
        EMAIL = "Channel::Email", "Email"

    class ReplyTime(models.TextChoices):
        IN_A_FEW_MINUTES = "in_a_few_minutes", "In a few minutes"
        IN_A_FEW_HOURS = "in_a_few_hours", "In a few hours"
        IN_A_DAY = "in_a_day", "In a day"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="inboxes")
    name = models.CharField(max_length=255)
    channel_type = models.CharField(max_length=32, choices=ChannelType.choices)
    # Public: it addresses the inbox in client API paths. Not a credential.
    identifier = models.CharField(max_length=64, unique=True, default=new_inbox_identifier)

    # Every channel's settings (Chatwoot's inbox columns).
    greeting_enabled = models.BooleanField(default=False)
    greeting_message = models.TextField(blank=True, null=True)
    enable_email_collect = models.BooleanField(default=True)
    csat_survey_enabled = models.BooleanField(default=False)
    enable_auto_assignment = models.BooleanField(default=True)
    working_hours_enabled = models.BooleanField(default=False)
    out_of_office_message = models.TextField(blank=True, null=True)
    timezone = models.CharField(max_length=64, default="UTC")
    allow_messages_after_resolved = models.BooleanField(default=True)
    lock_to_single_conversation = models.BooleanField(default=False)
    business_name = models.CharField(max_length=255, blank=True, null=True)

    # Secret: the owner's server signs contact identities with it (``identifier_hash``).
    # Shown to the account's administrators only.
    hmac_token = models.CharField(max_length=64, unique=True, default=new_hmac_token)
    hmac_mandatory = models.BooleanField(
        default=False, help_text="Refuse contacts whose identity is not signed with hmac_token."
    )

    # API channel.
    webhook_url = models.URLField(max_length=2048, blank=True, default="")
    additional_attributes = models.JSONField(default=dict, blank=True)

    # Website widget channel. The website token is public: it sits in the site's pages.
    website_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    website_url = models.URLField(max_length=2048, blank=True, default="")
    widget_color = models.CharField(max_length=16, default="#1f93ff")
    welcome_title = models.CharField(max_length=255, blank=True, default="")
    welcome_tagline = models.CharField(max_length=255, blank=True, default="")
    reply_time = models.CharField(
        max_length=32, choices=ReplyTime.choices, default=ReplyTime.IN_A_FEW_MINUTES
    )
    pre_chat_form_enabled = models.BooleanField(default=False)
    pre_chat_form_options = models.JSONField(default=dict, blank=True)
    continuity_via_email = models.BooleanField(default=True)
    allowed_domains = models.TextField(blank=True, default="")
    selected_feature_flags = models.JSONField(default=list, blank=True)

    created_at = models.DateTimeField(default=tz.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "inboxes"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_type_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.channel_type == self.ChannelType.WEB_WIDGET and not self.website_token:
            self.website_token = new_website_token()
        super().save(*args, **kwargs)


class InboxMember(models.Model):
    inbox = models.ForeignKey(Inbox, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_memberships"
    )
    created_at = models.DateTimeField(default=tz.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["inbox", "user"], name="inbox_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.inbox}"
