"""The pages we serve: admin login throttling, a Content-Security-Policy, Swagger UI from our
own static files, and credentials that die with the password."""

import pytest
from django.test import Client

from conversations.models import User

from . import factories as f


def login(client: Client, email: str, password: str):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password},
        REMOTE_ADDR="203.0.113.5",
    )


def test_admin_logins_are_throttled_per_username_and_address(world):
    admin = User.objects.create_superuser("boss@acme.test", "right-password")
    client = Client()
    for _ in range(4):
        assert login(client, admin.email, "wrong").status_code == 200  # the form again
    assert login(client, admin.email, "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, admin.email, "right-password")
    assert locked.status_code == 429  # even the right password, until the cool-off
    other = Client()
    response = other.post(
        "/admin/login/?next=/admin/",
        {"username": admin.email, "password": "right-password"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 302  # another address is not locked out


@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/"])
def test_our_pages_carry_a_content_security_policy(db, path):
    response = Client().get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_swagger_ui_comes_from_our_static_files_with_no_inline_script(db):
    page = Client().get("/api/docs/").content.decode()
    assert "cdn.jsdelivr" not in page and "unpkg" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "<script>" not in page.replace(" ", "")  # every script is a file
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


def test_the_api_token_rotates_with_the_password(world):
    agent = world.agent
    api_token, pubsub_token = agent.agent.access_token, agent.agent.pubsub_token
    agent.set_password("a new password")
    agent.save()
    agent.refresh_from_db()
    assert agent.agent.access_token != api_token and agent.agent.pubsub_token != pubsub_token
    client = Client()
    old = client.get(
        f"/api/v1/accounts/{world.account.id}/conversations", HTTP_API_ACCESS_TOKEN=api_token
    )
    assert old.status_code == 401
    new = client.get(
        f"/api/v1/accounts/{world.account.id}/conversations",
        HTTP_API_ACCESS_TOKEN=agent.agent.access_token,
    )
    assert new.status_code == 200
    assert f.make_account  # the factories still build agents with a fresh token
