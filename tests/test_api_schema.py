"""The OpenAPI schema describes every endpoint, validates, and is served with browsable docs."""

import io

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from conversations.api import urls


def test_schema_is_valid_without_warnings_and_lists_every_endpoint():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    schema = yaml.safe_load(out.getvalue())
    documented = set(schema["paths"])
    for pattern in urls.urlpatterns:
        route = str(pattern.pattern)
        if route.startswith(("api/schema", "api/docs")) or pattern.name == urls.ALIAS:
            continue
        path = "/" + route.replace("<int:", "{").replace("<str:", "{").replace(">", "}")
        assert path in documented, f"{path} is not in the OpenAPI schema"
    security = schema["components"]["securitySchemes"]["api_access_token"]
    assert security == {"type": "apiKey", "in": "header", "name": "api_access_token"}


@pytest.mark.django_db
def test_schema_and_docs_are_served():
    client = Client()
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
