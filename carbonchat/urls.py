"""CarbonChat URLs: the admin and the REST API (``/cable`` is routed in ``asgi.py``)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("conversations.api.urls")),
]
