"""Inboxes created and configured through the API, as Chatwoot's dashboard and SDKs do it:
API and website-widget channels, administrators only, the HMAC secret for their eyes only."""

import pytest

from conversations.models import Inbox

from .test_api_application import call, client_for, url


async def test_an_administrator_creates_an_api_inbox_and_agents_hear_of_it(world, audience):
    admin = client_for(world.admin)
    response = await call(
        admin,
        "post",
        url(world, "inboxes"),
        {"name": "Bot", "channel": {"type": "api", "webhook_url": "https://bot.test/hook"}},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["channel_type"] == "Channel::Api"
    assert body["webhook_url"] == "https://bot.test/hook"
    assert body["inbox_identifier"] and body["hmac_token"]
    assert body["website_token"] is None
    # Dashboards refetch their inbox list on this.
    await audience.expect(["agent", "admin"], "account.cache_invalidated")
    await audience.silent(["contact", "foreign"])


def test_a_website_inbox_gets_its_token_and_snippet(world, settings):
    settings.CARBONCHAT = {"FRONTEND_URL": "https://chat.acme.test"}
    admin = client_for(world.admin)
    body = admin.post(
        url(world, "inboxes"),
        {
            "name": "Shop",
            "greeting_enabled": True,
            "greeting_message": "Hi!",
            "channel": {
                "type": "web_widget",
                "website_url": "https://shop.acme.test",
                "widget_color": "#009CE0",
                "welcome_title": "Hello",
                "reply_time": "in_a_few_hours",
                "selected_feature_flags": ["attachments", "emoji_picker"],
            },
        },
        format="json",
    ).json()
    assert body["channel_type"] == "Channel::WebWidget"
    assert (body["widget_color"], body["welcome_title"], body["greeting_message"]) == (
        "#009CE0",
        "Hello",
        "Hi!",
    )
    assert body["reply_time"] == "in_a_few_hours"
    assert body["selected_feature_flags"] == ["attachments", "emoji_picker"]
    token = body["website_token"]
    assert token and Inbox.objects.get(pk=body["id"]).website_token == token
    assert 'src="https://chat.acme.test/static/carbonchat/widget.js"' in body["web_widget_script"]
    assert f'data-website-token="{token}"' in body["web_widget_script"]
    assert body["hmac_token"]  # the administrator sees it


def test_only_administrators_see_the_hmac_secret(world):
    world.inbox.refresh_from_db()
    agent_view = client_for(world.agent).get(url(world, f"inboxes/{world.inbox.id}")).json()
    assert "hmac_token" not in agent_view
    assert all(
        "hmac_token" not in i
        for i in client_for(world.agent).get(url(world, "inboxes")).json()["payload"]
    )
    admin_view = client_for(world.admin).get(url(world, f"inboxes/{world.inbox.id}")).json()
    assert admin_view["hmac_token"] == world.inbox.hmac_token


def test_update_keeps_the_channel_type_and_reads_strictly(world):
    admin = client_for(world.admin)
    path = url(world, f"inboxes/{world.inbox.id}")
    body = admin.patch(
        path,
        {"enable_auto_assignment": False, "channel": {"welcome_tagline": "We reply fast"}},
        format="json",
    ).json()
    assert (body["enable_auto_assignment"], body["welcome_tagline"]) == (False, "We reply fast")
    assert body["name"] == "Website"
    moved = admin.patch(path, {"channel": {"type": "api"}}, format="json")
    assert moved.status_code == 400 and moved.json()["attributes"] == ["channel"]
    for bad in (
        {"channel": {"widget_color": "red; background: url(x)"}},
        {"timezone": "Mars/Olympus"},
        {"channel": {"website_url": "javascript:alert(1)"}},
    ):
        response = admin.patch(path, bad, format="json")
        assert response.status_code == 400, bad
        assert response.json()["attributes"] == [next(iter(bad))]


@pytest.mark.parametrize(
    "body",
    [
        {"name": "No channel"},
        {"name": "WhatsApp", "channel": {"type": "whatsapp"}},
        {"channel": {"type": "api"}},
    ],
)
def test_create_needs_a_name_and_a_channel_carbonchat_has(world, body):
    response = client_for(world.admin).post(url(world, "inboxes"), body, format="json")
    assert response.status_code == 400
    assert response.json()["attributes"] in (["name"], ["channel"])


def test_agents_may_not_create_change_or_delete_inboxes(world):
    agent = client_for(world.agent)
    assert (
        agent.post(
            url(world, "inboxes"), {"name": "x", "channel": {"type": "api"}}, format="json"
        ).status_code
        == 403
    )
    assert (
        agent.patch(
            url(world, f"inboxes/{world.inbox.id}"), {"name": "x"}, format="json"
        ).status_code
        == 403
    )
    assert agent.delete(url(world, f"inboxes/{world.inbox.id}")).status_code == 403
    foreign = client_for(world.foreign_agent)
    assert (
        foreign.patch(
            url(world, f"inboxes/{world.inbox.id}"), {"name": "x"}, format="json"
        ).status_code
        == 404
    )
    assert Inbox.objects.get(pk=world.inbox.id).name == "Website"


def test_an_administrator_deletes_an_inbox_with_its_conversations(world):
    response = client_for(world.admin).delete(url(world, f"inboxes/{world.inbox.id}"))
    assert response.status_code == 200
    assert not Inbox.objects.filter(pk=world.inbox.id).exists()
    assert not world.session.contact.conversations.exists()
    assert world.session.contact.__class__.objects.filter(pk=world.session.contact_id).exists()


def test_the_members_path_does_not_change_the_inbox(world):
    # inbox_members/{id} lists members; writes go to inbox_members with {inbox_id, user_ids}.
    admin = client_for(world.admin)
    path = url(world, f"inbox_members/{world.inbox.id}")
    assert admin.patch(path, {"name": "Hijacked"}, format="json").status_code == 405
    assert admin.delete(path).status_code == 405
    assert Inbox.objects.get(pk=world.inbox.id).name == "Website"
