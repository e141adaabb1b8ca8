"""Accounts (tenants) and the agents who belong to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .agent import agent_of
from .tracking import TracksChanges


class Account(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    name = models.CharField(max_length=255)
    locale = models.CharField(max_length=16, default="en")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # The last display id handed out; see Conversation.save for how it is taken safely.
    last_conversation_display_id = models.PositiveIntegerField(default=0, editable=False)
    # Chatwoot's IndexedDB cache keys: bumped (milliseconds) when the account's labels, inboxes
    # or teams change, so a reconnecting dashboard knows which lists to fetch again.
    label_cache_key = models.BigIntegerField(default=0, editable=False)
    inbox_cache_key = models.BigIntegerField(default=0, editable=False)
    team_cache_key = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @classmethod
    def bump_cache_key(cls, account_id: int, kind: str) -> None:
        """A ``label``, ``inbox`` or ``team`` changed: give that list a new cache key.

        A queryset update: no account signals (they re-authorise every live subscription).
        """
        value = int(timezone.now().timestamp() * 1000)
        cls.objects.filter(pk=account_id).update(**{f"{kind}_cache_key": value})

    def cache_keys(self) -> dict[str, str]:
        return {
            "label": f"{self.label_cache_key:010d}",
            "inbox": f"{self.inbox_cache_key:010d}",
            "team": f"{self.team_cache_key:010d}",
        }


class AccountUser(TracksChanges):
    """An agent's membership of an account: role, chosen availability and auto-offline."""

    tracked_fields = ("role", "availability", "auto_offline")

    class Role(models.TextChoices):
        AGENT = "agent", "Agent"
        ADMINISTRATOR = "administrator", "Administrator"

    class Availability(models.TextChoices):
        ONLINE = "online", "Online"
        BUSY = "busy", "Busy"
        OFFLINE = "offline", "Offline"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="account_users")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_users"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.AGENT)
    availability = models.CharField(
        max_length=16, choices=Availability.choices, default=Availability.ONLINE
    )
    auto_offline = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="account_user_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.account} ({self.role})"

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMINISTRATOR

    def save(self, *args, **kwargs) -> None:
        # A member of an account is an agent: it has a name, an avatar and tokens to show.
        if self._state.adding:
            agent_of(self.user)
        super().save(*args, **kwargs)
