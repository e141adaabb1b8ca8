"""System checks for the project's deployment settings."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=False)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """carbonchat.E001: production mode must have its own SECRET_KEY."""
    production = getattr(settings, "PRODUCTION", False)
    insecure = getattr(settings, "INSECURE_SECRET_KEY", None)
    if production and (not settings.SECRET_KEY or insecure == settings.SECRET_KEY):
        return [
            Error(
                "SECRET_KEY is not set while CarbonChat runs in production mode.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="carbonchat.E001",
            )
        ]
    return []
