"""App configuration: connects the domain's signal receivers once, in ready()."""

from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = "Conversations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the project's system checks)
            credentials,
            presence,
        )
        from .events import catalogue

        catalogue.connect()
        credentials.connect()
        presence.connect()
