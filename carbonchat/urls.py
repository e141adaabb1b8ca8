"""CarbonChat URLs: the admin and the REST API (``/cable`` is routed in ``asgi.py``)."""

from django.contrib import admin
from django.urls import include, path, re_path

from carbonchat import views
from conversations import attachments, console
from conversations.api import errors

urlpatterns = [
    path("", views.landing, name="landing"),
    path("demo/", views.demo, name="demo"),
    path("docs/<slug:name>.md", views.doc, name="doc"),
    path("console/", console.console_page, name="console"),
    path("console/login/", console.ConsoleLoginView.as_view(), name="console-login"),
    path("admin/", admin.site.urls),
    # /healthz, /readyz, /metrics (realtime/server/health.py, realtime/server/metrics.py).
    path("", include("realtime.urls")),
    # Locally stored attachments (with S3 or another object store, clients go there instead).
    path("media/<path:path>", attachments.serve, name="attachment"),
    path("", include("conversations.api.urls")),
    # Last: any other API path is a JSON 404, in debug mode too, never an HTML page.
    re_path(r"^(?:public/)?api/(?P<path>.*)$", errors.unknown_api_path),
]

# JSON, not HTML, for errors on API paths (conversations/api/errors.py).
handler400 = "conversations.api.errors.bad_request"
handler404 = "conversations.api.errors.not_found"
handler500 = "conversations.api.errors.server_error"
