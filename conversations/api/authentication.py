"""
Agents authenticate with their access token in the ``api-access-token`` header.

Chatwoot documents the header as ``api_access_token``. daphne drops every header whose name
contains an underscore (its guard against CVE-2015-0219 header spoofing), and so does nginx by
default (``underscores_in_headers off``), so behind them only the hyphenated spelling arrives.
Both spellings map to the same ``HTTP_API_ACCESS_TOKEN`` key where a server passes them.
"""

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ..models import User
from . import schema  # noqa: F401  (registers the OpenAPI description of this scheme)

HEADER = "HTTP_API_ACCESS_TOKEN"


class AccessTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, None] | None:
        token = request.META.get(HEADER)
        if not token:
            raise exceptions.NotAuthenticated(
                "Send your access token in the api_access_token header."
            )
        user = User.objects.filter(access_token=token, is_active=True).first()
        if user is None:
            raise exceptions.AuthenticationFailed("Invalid access token.")
        return user, None

    def authenticate_header(self, request: Any) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403.
        return 'api_access_token realm="api"'
