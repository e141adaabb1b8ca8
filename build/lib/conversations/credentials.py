"""
An agent's credentials follow its user, whatever the user model: a new password rotates the
socket and API tokens, and a deactivated user (or a rotated token) loses its live
subscriptions at once.

The user model may be the host project's, so nothing here can override ``set_password``: the
user's row as stored is read before each save (one query) and compared after it.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models.signals import post_save, pre_save

from .events.catalogue import reauthorize_agent
from .models import AccountUser, Agent

WATCHED = ("password", "is_active")


def _watched_fields(model: Any) -> list[str]:
    fields = []
    for name in WATCHED:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        fields.append(name)
    return fields


def user_about_to_save(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    fields = _watched_fields(sender)
    if fields:
        instance._carbonchat_stored = (
            sender._default_manager.filter(pk=instance.pk).values(*fields).first()
        )


def user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    stored = instance.__dict__.pop("_carbonchat_stored", None)
    if raw or created or not stored:
        return
    if "password" in stored and stored["password"] != instance.password:
        agent = Agent.objects.filter(user_id=instance.pk).first()
        if agent is not None:
            agent.rotate_tokens()
            agent.save()  # agent_saved re-authorises its subscriptions
    if "is_active" in stored and stored["is_active"] != instance.is_active:
        reauthorize_agent(instance.pk, _accounts_of(instance.pk))


def agent_saved(sender: Any, instance: Agent, created: bool, raw: bool = False, **kwargs: Any):
    if raw or created:
        return
    if "pubsub_token" in instance.changed_fields():
        reauthorize_agent(instance.user_id, _accounts_of(instance.user_id))
    instance.mark_saved()


def _accounts_of(user_id: int) -> list[int]:
    return list(AccountUser.objects.filter(user_id=user_id).values_list("account_id", flat=True))


def connect() -> None:
    """Connect the receivers; called once from ConversationsConfig.ready()."""
    user_model = settings.AUTH_USER_MODEL
    pre_save.connect(user_about_to_save, sender=user_model, dispatch_uid="credentials.user_pre")
    post_save.connect(user_saved, sender=user_model, dispatch_uid="credentials.user")
    post_save.connect(agent_saved, sender=Agent, dispatch_uid="credentials.agent")
