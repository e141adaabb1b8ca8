"""App configuration for the cable server."""

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Realtime (ActionCable server)"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers realtime.* system checks)
