"""The ``CARBONCHAT`` setting: the domain's options, one namespaced dict read here only.

    CARBONCHAT = {"FRONTEND_URL": "https://chat.example.com", "MAX_ATTACHMENT_BYTES": 10_000_000}

Read it through ``carbonchat_settings.NAME``; it is reloaded when tests override it.
"""

from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver

from realtime.settings import NamespacedSettings

DEFAULTS: dict[str, Any] = {
    # The address clients reach this server at, without a trailing slash: it starts the
    # absolute URLs of attachments and the widget snippet. Empty: URLs relative to the site,
    # which only pages served from this server can follow (system check carbonchat.W003).
    "FRONTEND_URL": "",
    # Largest attachment accepted, in bytes (Chatwoot's limit is 40 MB), and how many one
    # message may carry.
    "MAX_ATTACHMENT_BYTES": 40 * 1024 * 1024,
    "MAX_ATTACHMENTS_PER_MESSAGE": 15,
    # The STORAGES alias attachments are saved in: "default" (local MEDIA_ROOT files unless the
    # project configures another backend, e.g. django-storages' S3).
    "ATTACHMENT_STORAGE": "default",
    # Days a website widget's session token (X-Auth-Token) stays valid (Chatwoot: 180).
    "WIDGET_TOKEN_DAYS": 180,
}

carbonchat_settings = NamespacedSettings(DEFAULTS, name="CARBONCHAT")


@receiver(setting_changed, dispatch_uid="conversations.conf.reload")
def _reload(*, setting: str, **kwargs: Any) -> None:
    if setting == "CARBONCHAT":
        carbonchat_settings.reload()
