"""Prometheus metrics of the cable server, and the ``/metrics`` view that exposes them.

Counted where things happen, once per event and never per socket on the fan-out path (a
broadcast adds its delivered frames in one increment). With several server processes set
``PROMETHEUS_MULTIPROC_DIR`` (an empty directory shared by them, emptied before they start):
each process writes its values there and ``/metrics`` sums them (prometheus_client's
multiprocess mode). The standalone settings do so when ``WEB_CONCURRENCY`` is above 1.

``/metrics`` answers a request bearing ``REALTIME["METRICS_TOKEN"]``
(``Authorization: Bearer …``) or, without a token configured, one from
``REALTIME["METRICS_NETWORKS"]`` (loopback by default); anything else is a 403.
"""

import hmac
import ipaddress
import os
import time
from collections.abc import Callable

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from realtime.settings import realtime_settings

SOCKETS = Gauge(
    "cable_sockets", "Open WebSocket connections to /cable.", multiprocess_mode="livesum"
)
SUBSCRIPTIONS = Gauge(
    "cable_subscriptions",
    "Confirmed subscriptions, by channel class.",
    ["channel"],
    multiprocess_mode="livesum",
)
SUBSCRIBES = Counter(
    "cable_subscribes",
    "Subscribe commands answered: accepted, or rejected with the reason.",
    ["result", "reason"],
)
BROADCASTS = Counter("cable_broadcasts_published", "Broadcasts this process published.")
DELIVERIES = Counter(
    "cable_deliveries",
    "Message frames written to this process's sockets: broadcast fan-out (one per socket) "
    "and messages transmitted to one subscription.",
)
FRAMES_LOST = Counter(
    "cable_frames_lost",
    "Broadcasts or frames not delivered: too_large (refused, or over daphne's frame limit), "
    "too_slow (for a socket let go for not reading).",
    ["reason"],
)
SLOW_DISCONNECTS = Counter(
    "cable_slow_consumer_disconnects", "Sockets let go because their client stopped reading."
)
READER_RESTARTS = Counter(
    "cable_hub_reader_restarts", "Times the hub's channel-layer reader died and was restarted."
)
BAD_MESSAGES = Counter(
    "cable_hub_bad_messages", "Channel-layer messages the hub could not deliver (skipped)."
)
FANOUT_SECONDS = Histogram(
    "cable_fanout_seconds",
    "Time to write one broadcast to every local subscriber of its stream.",
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
HISTORY_REPLAYS = Counter(
    "cable_history_replays", "History requests (resumable delivery) answered from the store."
)
PRESENCE_PUSHES = Counter("cable_presence_pushes", "presence.update broadcasts published.")
HTTP_SECONDS = Histogram(
    "http_request_duration_seconds",
    "HTTP requests by route pattern, method and status.",
    ["route", "method", "status"],
)


def exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def allowed(request: HttpRequest) -> bool:
    token = realtime_settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode(), str(token).encode())
    if "HTTP_X_FORWARDED_FOR" in request.META:
        # Through a proxy, REMOTE_ADDR is the proxy's own (loopback, often): only the token.
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in realtime_settings.METRICS_NETWORKS
    )


@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponse(b"metrics: not for this address or token\n", status=403)
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


@sync_and_async_middleware
def request_metrics(get_response: Callable) -> Callable:
    """Times every HTTP request by its URL pattern (``route``: bounded, never the raw path,
    which holds ids and, in the client API, credentials). Async under ASGI: no thread hop."""

    def observe(request: HttpRequest, response: HttpResponse, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "unmatched"
        HTTP_SECONDS.labels(route, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )

    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            started = time.perf_counter()
            response = await get_response(request)
            observe(request, response, started)
            return response

    else:

        def middleware(request: HttpRequest) -> HttpResponse:  # type: ignore[misc]
            started = time.perf_counter()
            response = get_response(request)
            observe(request, response, started)
            return response

    return middleware
