"""Rate limits of the public (contact-facing) API, per contact session and per client address."""

import hashlib
import ipaddress
import logging
from functools import cache

from django.conf import settings
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

    def get_ident(self, request: Request) -> str:
        return client_address(request)

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


@cache
def _trusted(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _trusted(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: Request) -> str:
    """The client's address: ``X-Forwarded-For`` counts only as far as trusted proxies say.

    DRF, with ``NUM_PROXIES`` unset, takes the whole client-supplied ``X-Forwarded-For`` as
    the identity, so any client could choose its own and escape the per-address limit. Here
    the forwarded chain is walked from the right only while each hop that added an address is
    one of ``TRUSTED_PROXIES`` (addresses or networks; default none): the first address added
    by an untrusted hop is the client.
    """
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while hops and _is_trusted(address):
        address = hops.pop()
    return address


class WidgetSessionThrottle(SettingsRateThrottle):
    """The website widget's requests per visitor session (``public_session`` rate), keyed by
    a digest of its ``X-Auth-Token`` (never the token itself: cache keys can end up in logs)."""

    scope = "public_session"

    def get_cache_key(self, request: Request, view: object) -> str | None:
        token = request.headers.get("X-Auth-Token")
        if not token:
            return None
        ident = "widget:" + hashlib.sha256(token.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}
