"""The cable server's operational endpoints: ``path("", include("realtime.urls"))``."""

from django.urls import path

from realtime.server import health, metrics

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
]
