"""App configuration for the cable server."""

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Realtime (ActionCable server)"

    def ready(self) -> None:
        from realtime import checks  # noqa: F401  (registers realtime.* system checks)
        from realtime.daphne.underscore_headers import allow_underscore_headers
        from realtime.server.redaction import redact_daphne_access_log
        from realtime.settings import realtime_settings

        # Under daphne its modules are loaded before the application: install before any
        # request arrives.
        allow_underscore_headers(realtime_settings.UNDERSCORE_HEADERS)
        redact_daphne_access_log()
