"""Mounting ``/cable`` beside a project's Django ASGI application.

from django.core.asgi import get_asgi_application
django_app = get_asgi_application()      # first: it sets Django up
from realtime.asgi import with_cable
application = with_cable(django_app, path="cable")
"""

from typing import Any

from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path as route

from realtime.server.connection import CableConnection


def with_cable(http_application: Any, *, path: str = "cable") -> ProtocolTypeRouter:
    """HTTP goes to ``http_application``; WebSocket ``/<path>`` to the cable server."""
    return ProtocolTypeRouter(
        {
            "http": http_application,
            "websocket": URLRouter([route(path.strip("/"), CableConnection.as_asgi())]),
        }
    )
