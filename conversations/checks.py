"""System checks for the project's deployment settings."""

import ipaddress
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


@register(Tags.security)
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """carbonchat.E002: every TRUSTED_PROXIES entry is an address or a network."""
    errors = []
    for proxy in getattr(settings, "TRUSTED_PROXIES", []):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            errors.append(
                Error(
                    f"TRUSTED_PROXIES has {proxy!r}, which is no address or network.",
                    hint="Use addresses or CIDR networks, e.g. 127.0.0.1,10.0.0.0/8.",
                    id="carbonchat.E002",
                )
            )
    return errors
