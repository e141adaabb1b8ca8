"""Rate limits of the public (contact-facing) API, per contact session and per client address."""

import logging

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate when used, not at import (DRF's default), so settings changes apply.

    Fails open: when its counters cannot be read (Redis down or stalled past its timeout),
    the request is allowed and the fault logged, never answered 500.
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: object) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            logger.warning(
                "throttling: %s not applied (%s: %s); request allowed",
                self.scope,
                type(exc).__name__,
                exc,
            )
            return True


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
