"""OpenAPI annotations (drf-spectacular): one decorator per endpoint method."""

from collections.abc import Callable
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers


def document(request: type[serializers.Serializer] | None, operation_id: str) -> Callable:
    """The request body's serializer (or none), a JSON object response, a unique operation id."""
    responses: dict[int, Any] = {
        200: OpenApiTypes.OBJECT,
        201: OpenApiTypes.OBJECT,
        400: OpenApiTypes.OBJECT,
        401: OpenApiTypes.OBJECT,
        404: OpenApiTypes.OBJECT,
    }
    return extend_schema(request=request, responses=responses, operation_id=operation_id)


class AccessTokenScheme(OpenApiAuthenticationExtension):
    """Describes ``api_access_token`` (a header) in the schema."""

    target_class = "conversations.api.authentication.AccessTokenAuthentication"
    name = "api_access_token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "api_access_token"}
