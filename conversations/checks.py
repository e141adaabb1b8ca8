"""System checks for the project's deployment settings."""

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register


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


ROOM_CHANNEL = "conversations.room_channel.RoomChannel"


@register()
def check_integration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """carbonchat.E003 to E005, W001 and W002: what a project adding CarbonChat must also have."""
    messages: list[CheckMessage] = []
    apps = set(settings.INSTALLED_APPS)
    for needed in ("realtime", "rest_framework", "channels"):
        if needed not in apps:
            messages.append(
                Error(
                    f"'conversations' needs {needed!r} in INSTALLED_APPS.",
                    hint="See docs/integrate.md for the apps and settings to add.",
                    id="carbonchat.E003",
                )
            )
    channels = (getattr(settings, "REALTIME", {}) or {}).get("CHANNELS", {})
    if channels.get("RoomChannel") != ROOM_CHANNEL:
        messages.append(
            Error(
                "REALTIME['CHANNELS'] does not register RoomChannel: Chatwoot's clients "
                "subscribe to it and every subscribe would be rejected.",
                hint=f'REALTIME = {{"CHANNELS": {{"RoomChannel": "{ROOM_CHANNEL}"}}}}',
                id="carbonchat.E004",
            )
        )
    if not getattr(settings, "CHANNEL_LAYERS", None):
        messages.append(
            Error(
                "CHANNEL_LAYERS is not set: events cannot reach /cable.",
                hint="An InMemoryChannelLayer for one process, RedisPubSubChannelLayer for more.",
                id="carbonchat.E005",
            )
        )
    headers = (getattr(settings, "REALTIME", {}) or {}).get("UNDERSCORE_HEADERS", ())
    if "api_access_token" not in headers:
        messages.append(
            Warning(
                "daphne drops the api_access_token header Chatwoot's clients and SDKs send.",
                hint='Add "UNDERSCORE_HEADERS": ("api_access_token",) to REALTIME.',
                id="carbonchat.W001",
            )
        )
    if "conversations.api.middleware.ChunkedBodyMiddleware" not in settings.MIDDLEWARE:
        messages.append(
            Warning(
                "Chunked request bodies (Node streams, Go, httpx generators) read as empty.",
                hint="Add conversations.api.middleware.ChunkedBodyMiddleware to MIDDLEWARE.",
                id="carbonchat.W002",
            )
        )
    return messages


@register(deploy=True)
def check_frontend_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """carbonchat.W003: deployed without FRONTEND_URL, attachment URLs and the widget snippet
    are relative, and pages of other origins (the widget's host site, a mobile app) cannot
    follow them."""
    from .conf import carbonchat_settings

    if carbonchat_settings.FRONTEND_URL:
        return []
    return [
        Warning(
            "CARBONCHAT['FRONTEND_URL'] is empty: attachment URLs and the widget snippet are "
            "relative to this server.",
            hint="Set FRONTEND_URL (e.g. https://chat.example.com) to the address clients use.",
            id="carbonchat.W003",
        )
    ]
