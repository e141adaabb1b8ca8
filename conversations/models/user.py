"""Agents: the people who answer conversations, with their socket and API tokens."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from .tokens import new_access_token, new_pubsub_token
from .tracking import TracksChanges


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An agent needs an email address.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(TracksChanges, AbstractBaseUser, PermissionsMixin):
    """An agent. Signs in to the admin with email and password; the dashboard uses tokens."""

    tracked_fields = ("pubsub_token", "is_active")

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    avatar_url = models.URLField(max_length=1024, blank=True)
    # The socket credential; rotated with the password so a leaked token dies with it.
    pubsub_token = models.CharField(max_length=64, unique=True, default=new_pubsub_token)
    # The REST credential sent in the ``api_access_token`` header; rotated with the password.
    access_token = models.CharField(max_length=64, unique=True, default=new_access_token)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.available_name} <{self.email}>"

    @property
    def available_name(self) -> str:
        return self.display_name or self.name

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        if self.pk is not None:
            # Both credentials die with the old password: a leaked token with it.
            self.rotate_pubsub_token()
            self.access_token = new_access_token()

    def rotate_pubsub_token(self) -> None:
        """Give the agent a new socket token; the old one stops authorising subscribes."""
        self.pubsub_token = new_pubsub_token()
