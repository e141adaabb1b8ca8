"""Request bodies sent chunked (no Content-Length) are read, not taken for empty.

Node streams, Go clients and httpx generators send ``Transfer-Encoding: chunked``. daphne
reads the whole body and hands it to Django, whose ``ASGIRequest`` keeps it in a file; but
DRF reads no body at all when ``CONTENT_LENGTH`` is absent, so a chunked ``POST contacts`` made
an empty contact. This gives such a request the length of the body it has (so Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` applies as to any other). Relies on ``ASGIRequest._stream``
being that file (Django 5.2); ``tests/test_hostile_input.py`` sends a chunked body to daphne.
"""

from collections.abc import Callable

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse


class ChunkedBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if (
            "CONTENT_LENGTH" not in meta
            and "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
            and isinstance(request, ASGIRequest)
        ):
            body = request._stream
            body.seek(0, 2)
            meta["CONTENT_LENGTH"] = str(body.tell())
            body.seek(0)
        return self.get_response(request)
