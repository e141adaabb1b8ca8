"""Rate limits of the public (contact-facing) API, per contact session and per client address."""

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate when used, not at import (DRF's default), so settings changes apply."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class PublicAddressThrottle(SettingsRateThrottle):
    """Requests per client address (``public_address`` rate)."""

    scope = "public_address"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicSessionThrottle(SettingsRateThrottle):
    """Requests per contact session (``public_session`` rate), keyed by inbox and source id."""

    scope = "public_session"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        kwargs = getattr(view, "kwargs", {})
        source_id = kwargs.get("source_id")
        if not source_id:
            return None
        ident = f"{kwargs.get('inbox_identifier')}:{source_id}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
