"""The Django admin: every model is there, and a change made in it sends the same event."""

import pytest
from django.contrib import admin
from django.test import Client

from conversations import models
from conversations.models import User

from .audience import Audience, agent_identifier


def test_every_domain_model_is_in_the_admin():
    for name in models.__all__:
        assert admin.site.is_registered(getattr(models, name)), name


@pytest.fixture
def staff(world):
    user = User.objects.create_superuser("lead@example.test", "pw-lead-123")
    client = Client()
    client.force_login(user)
    return client


def test_the_admin_lists_and_searches_conversations(world, staff):
    page = staff.get("/admin/conversations/conversation/?q=white-shadow")
    assert page.status_code == 200
    assert b"white-shadow-394" in page.content
    detail = staff.get(f"/admin/conversations/conversation/{world.conversation.pk}/change/")
    assert detail.status_code == 200 and b"Messages" in detail.content
    # Tokens are credentials: the admin never shows them.
    session_page = staff.get(f"/admin/conversations/contactinbox/{world.session.pk}/change/")
    assert world.session.pubsub_token.encode() not in session_page.content


async def test_a_contact_edited_in_the_admin_sends_contact_updated(world, staff):
    from asgiref.sync import sync_to_async

    audience = Audience()
    await audience.add("agent", agent_identifier(world.agent, world.account))
    contact = world.session.contact
    form = {
        "account": world.account.pk,
        "name": "Jane from the admin",
        "email": "jane@acme.inc",
        "phone_number": "",
        "identifier": "",
        "avatar_url": "",
        "additional_attributes": "{}",
        "custom_attributes": '{"plan": "pro"}',
        "contact_inboxes-TOTAL_FORMS": "1",
        "contact_inboxes-INITIAL_FORMS": "1",
        "contact_inboxes-MIN_NUM_FORMS": "0",
        "contact_inboxes-MAX_NUM_FORMS": "1000",
        "contact_inboxes-0-id": world.session.pk,
        "contact_inboxes-0-contact": contact.pk,
        "contact_inboxes-0-inbox": world.inbox.pk,
        "contact_inboxes-0-source_id": world.session.source_id,
        "_save": "Save",
    }
    response = await sync_to_async(staff.post)(
        f"/admin/conversations/contact/{contact.pk}/change/", form
    )
    assert response.status_code == 302, response.content[:2000]
    data = await audience.expect(["agent"], "contact.updated")
    assert data["name"] == "Jane from the admin"
    assert data["custom_attributes"] == {"plan": "pro"}
    await audience.close()


def test_a_website_inbox_shows_its_snippet_in_the_admin(world, staff):
    page = staff.get(f"/admin/conversations/inbox/{world.inbox.id}/change/")
    assert page.status_code == 200
    assert f"data-website-token=&quot;{world.inbox.website_token}&quot;" in page.content.decode()
