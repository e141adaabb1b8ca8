"""
Agents authenticate with their access token in the ``api_access_token`` header.

That is the name Chatwoot's dashboard, apps and SDKs send. daphne drops every header whose
name contains an underscore (its guard against CVE-2015-0219 header spoofing); CarbonChat
lets this one name through as ``api-access-token`` (``REALTIME["UNDERSCORE_HEADERS"]``,
``realtime/daphne/underscore_headers.py``), and the shipped nginx config passes underscores. The
hyphenated spelling works too; both reach Django as ``HTTP_API_ACCESS_TOKEN``. When both
arrive with different values the request is refused: neither is trusted over the other.
"""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from ..models import Agent
from . import schema  # noqa: F401  (registers the OpenAPI description of this scheme)

HEADER = "HTTP_API_ACCESS_TOKEN"


class AccessTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, None] | None:
        token = request.META.get(HEADER)
        if not token:
            raise exceptions.NotAuthenticated(
                "Send your access token in the api_access_token header."
            )
        if "," in token:
            # Two headers joined by the server: api_access_token and api-access-token differ.
            raise exceptions.AuthenticationFailed(
                "api_access_token and api-access-token disagree; send one."
            )
        agent = Agent.objects.select_related("user").filter(access_token=token).first()
        if agent is None or not getattr(agent.user, "is_active", True):
            raise exceptions.AuthenticationFailed("Invalid access token.")
        agent.user.agent = agent  # one query: the user comes with its agent
        return agent.user, None

    def authenticate_header(self, request: Any) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403.
        return 'api_access_token realm="api"'
