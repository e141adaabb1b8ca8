"""App configuration for the cable server."""

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Realtime (ActionCable server)"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers realtime.* system checks)
        from .redaction import redact_daphne_access_log
        from .settings import realtime_settings
        from .underscore_headers import allow_underscore_headers

        # Under daphne its modules are loaded before the application: install before any
        # request arrives.
        allow_underscore_headers(realtime_settings.UNDERSCORE_HEADERS)
        redact_daphne_access_log()
