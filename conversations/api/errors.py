"""Errors outside the views, on API paths: JSON bodies, never Django's HTML pages.

Django answers a request it could not route (404), one whose body is too large or otherwise
refused before any view ran (400), and an unhandled error (500) with HTML pages; an API client
gets ``{"message", "error"}`` JSON instead (``message`` is what Chatwoot's SDKs show).
"""

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework.response import Response
from rest_framework.views import exception_handler

API_PREFIXES = ("/api/", "/public/api/")


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIXES)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if is_api(request):
        message = "The request was refused before it was read"
        if type(exception).__name__ == "RequestDataTooBig":
            message = "The request body is too large"
        return JsonResponse({"message": message, "error": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"message": "Not found.", "error": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"message": "Server error.", "error": "server_error"}, status=500)
    return defaults.server_error(request)


def unknown_api_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """The last API route: whatever matched nothing else, in debug mode too."""
    return not_found(request)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with what Chatwoot's clients read added, and a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as a 413.

    Chatwoot answers ``{"message": …, "attributes": [...]}`` or ``{"error": …}``; its SDKs show
    ``message``. Field errors keep DRF's map (``{"field": ["…"]}``, which names the field) and
    gain ``message`` (the first error, with its field) and ``attributes`` (the fields).
    """
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"message": "The request body is too large", "error": "payload_too_large"},
            status=413,
        )
    response = exception_handler(exc, context)
    if response is None or not isinstance(response.data, dict) or "message" in response.data:
        return response
    data = response.data
    if "detail" in data:
        data["message"] = str(data["detail"])
    else:
        fields = [key for key in data if key != "non_field_errors"]
        first_key = next(iter(data), None)
        first = data.get(first_key) if first_key is not None else None
        text = first[0] if isinstance(first, list) and first else first
        data["message"] = f"{first_key}: {text}" if first_key in fields else str(text)
        data["attributes"] = fields
    return response
