"""CarbonChat's ASGI application around a project's own Django application.

    # myproject/asgi.py
    from django.core.asgi import get_asgi_application
    django_app = get_asgi_application()      # first: it sets Django up
    from conversations.asgi import carbonchat
    application = carbonchat(django_app)     # /cable, and snoozes that reopen themselves

Serve it with daphne (``daphne myproject.asgi:application``).
"""

from typing import Any

from realtime.asgi import with_cable

from .snooze import reopen_due_snoozes


def carbonchat(http_application: Any, *, cable_path: str = "cable") -> Any:
    """``http_application`` with Chatwoot's ``/cable`` (path configurable; Chatwoot's clients
    use ``/cable``) and the snooze sweeper of this server process."""
    return reopen_due_snoozes(with_cable(http_application, path=cable_path))
