"""Agents: CarbonChat's data about the users who answer conversations, whatever the user model.

An agent is a row of the project's ``AUTH_USER_MODEL`` (the host's own, or the standalone
server's ``conversations.User``) with an ``Agent`` beside it: the name clients show, the avatar,
the socket token and the API token. Payload ``id``s of users are the user's primary key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .tokens import new_access_token, new_pubsub_token
from .tracking import TracksChanges


class Agent(TracksChanges):
    tracked_fields = ("pubsub_token",)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="agent"
    )
    name = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    avatar_url = models.URLField(max_length=1024, blank=True)
    # The socket credential; rotated with the password so a leaked token dies with it.
    pubsub_token = models.CharField(max_length=64, unique=True, default=new_pubsub_token)
    # The REST credential sent in the ``api_access_token`` header; rotated with the password.
    access_token = models.CharField(max_length=64, unique=True, default=new_access_token)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return self.available_name

    @property
    def available_name(self) -> str:
        return self.display_name or self.name

    def rotate_tokens(self) -> None:
        """New socket and API tokens: the old ones stop authorising at once."""
        self.pubsub_token = new_pubsub_token()
        self.access_token = new_access_token()


def default_name(user: object) -> str:
    """A name for a user who has no agent yet: its full name, else its username."""
    full = getattr(user, "get_full_name", None)
    name = full() if callable(full) else ""
    if not name:
        get_username = getattr(user, "get_username", None)
        name = get_username() if callable(get_username) else str(user)
        name = name.split("@")[0] if "@" in name else name
    return name or f"Agent {getattr(user, 'pk', '')}"


def agent_of(user: object) -> Agent:
    """The user's agent, made with a default name if the user has none yet (a superuser made
    with ``createsuperuser``, a host's user added to an account in the admin)."""
    try:
        return user.agent  # type: ignore[attr-defined]
    except Agent.DoesNotExist:
        agent, _ = Agent.objects.get_or_create(user=user, defaults={"name": default_name(user)})
        return agent
