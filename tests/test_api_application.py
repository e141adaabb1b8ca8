"""The application API (agents): shapes, every error class, and the events each action sends."""

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from conversations.models import Contact, Conversation, Message

from . import factories as f
from .chatwoot_shapes import assert_shape


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_API_ACCESS_TOKEN=user.agent.access_token)
    return client


def url(world, path: str = "", account=None) -> str:
    return f"/api/v1/accounts/{(account or world.account).id}/{path}"


def conv_url(world, suffix: str = "") -> str:
    return url(world, f"conversations/{world.conversation.display_id}{suffix}")


def call(client: APIClient, method: str, path: str, data=None):
    return sync_to_async(getattr(client, method))(path, data, format="json")


# Authentication and reach ------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_missing_or_wrong_token_is_401(world, token):
    client = APIClient()
    if token:
        client.credentials(HTTP_API_ACCESS_TOKEN=token)
    response = client.get(url(world, "conversations"))
    assert response.status_code == 401
    assert "detail" in response.json()


def test_another_accounts_resources_are_404(world):
    foreign = client_for(world.foreign_agent)
    assert foreign.get(url(world, "conversations")).status_code == 404
    # The world's conversation has display id 1; so may a foreign one: ids are per account.
    foreign_conversation = f.make_conversation(world.foreign_session)
    assert foreign_conversation.display_id == 1
    response = client_for(world.agent).get(
        url(world, "conversations/1", account=world.foreign_account)
    )
    assert response.status_code == 404
    contact_of_foreign = world.foreign_session.contact
    assert (
        client_for(world.admin).get(url(world, f"contacts/{contact_of_foreign.id}")).status_code
        == 404
    )


def test_an_agent_sees_only_the_inboxes_it_is_in(world):
    other = f.make_conversation(f.make_session(f.make_contact(world.account), world.other_inbox))
    agent_ids = [
        c["id"]
        for c in client_for(world.agent).get(url(world, "conversations")).json()["data"]["payload"]
    ]
    admin_ids = [
        c["id"]
        for c in client_for(world.admin).get(url(world, "conversations")).json()["data"]["payload"]
    ]
    assert agent_ids == [world.conversation.display_id]
    assert sorted(admin_ids) == sorted([world.conversation.display_id, other.display_id])
    assert (
        client_for(world.agent).get(url(world, f"conversations/{other.display_id}")).status_code
        == 404
    )


# Conversations -----------------------------------------------------------------------------


def test_conversation_list_filters_and_pages(world):
    for _ in range(30):
        f.make_conversation(world.session, status="pending")
    admin = client_for(world.admin)
    body = admin.get(url(world, "conversations?status=pending&page=2")).json()["data"]
    assert body["meta"] == {
        "all_count": 30,
        "current_page": 2,
        "page_size": 25,
        # Chatwoot's tabs: Mine / Unassigned / All (and assigned), over the same filters.
        "mine_count": 0,
        "assigned_count": 0,
        "unassigned_count": 30,
    }
    assert len(body["payload"]) == 5 and {c["status"] for c in body["payload"]} == {"pending"}
    mine = admin.get(url(world, "conversations?assignee_type=me&status=all")).json()["data"]
    assert mine["payload"] == []
    by_inbox = admin.get(url(world, f"conversations?inbox_id={world.other_inbox.id}")).json()
    assert by_inbox["data"]["payload"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=bogus", "status"),
        ("inbox_id=x", "inbox_id"),
        ("page=0", "page"),
        ("assignee_type=nobody", "assignee_type"),
    ],
)
def test_bad_list_filters_are_400_naming_the_field(world, query, field):
    response = client_for(world.admin).get(url(world, f"conversations?{query}"))
    assert response.status_code == 400
    assert field in response.json()


async def test_create_a_conversation_with_a_first_message(world, audience):
    contact = await sync_to_async(f.make_contact)(world.account, name="New")
    await audience.expect(["agent", "admin"], "contact.created")
    response = await call(
        client_for(world.agent),
        "post",
        url(world, "conversations"),
        {
            "inbox_id": world.inbox.id,
            "contact_id": contact.id,
            "message": {"content": "Hello from support"},
            "custom_attributes": {"plan": "pro"},
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id"] == 2 and body["custom_attributes"] == {"plan": "pro"}
    assert body["messages"][0]["content"] == "Hello from support"
    created = await audience.expect(["agent", "admin"], "conversation.created")
    # Sent after commit: the payload already holds the first message.
    assert created["messages"][0]["content"] == "Hello from support"
    await audience.expect(["agent", "admin"], "message.created")
    await audience.silent(["contact", "foreign"])  # a new session, not the world's


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "inbox_id"),
        ({"inbox_id": "x"}, "inbox_id"),
        ({"inbox_id": 1}, "contact_id"),
        ({"inbox_id": 999999, "contact_id": 1}, "inbox_id"),
        ({"inbox_id": None, "contact_id": 1}, "inbox_id"),
    ],
)
def test_bad_conversation_bodies_are_400_naming_the_field(world, body, field):
    response = client_for(world.admin).post(url(world, "conversations"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Conversation.objects.count() == 1


async def test_toggle_status(world, audience):
    admin = client_for(world.admin)
    response = await call(admin, "post", conv_url(world, "/toggle_status"))
    assert response.json()["payload"]["current_status"] == "resolved"
    await audience.expect(["agent", "admin", "contact"], "conversation.status_changed")
    response = await call(admin, "post", conv_url(world, "/toggle_status"), {"status": "snoozed"})
    assert response.json()["payload"]["current_status"] == "snoozed"
    bad = await call(admin, "post", conv_url(world, "/toggle_status"), {"status": "closed"})
    assert bad.status_code == 400 and "status" in bad.json()


async def test_assignments(world, audience):
    admin = client_for(world.admin)
    team = await sync_to_async(f.make_team)(world.account, name="Billing")
    await audience.expect(["agent", "admin"], "account.cache_invalidated")
    response = await call(
        admin,
        "post",
        conv_url(world, "/assignments"),
        {"assignee_id": world.agent.id, "team_id": team.id},
    )
    assert response.status_code == 200
    # As Chatwoot: the answer is the agent assigned (its agent view), not the conversation.
    assert_shape(response.json(), "agent", "assignment")
    assert (response.json()["id"], response.json()["role"]) == (world.agent.id, "agent")
    await audience.expect(["agent", "admin"], "assignee.changed")
    await audience.expect(["agent", "admin"], "team.changed")
    await audience.expect(["agent", "admin", "contact"], "conversation.updated")
    # Assigned by someone else: John is notified (he alone).
    await audience.expect(["agent"], "notification.created")
    activity = await audience.expect(["agent", "admin"], "message.created")
    assert activity["message_type"] == 2
    assert activity["content"] == f"Assigned to John via Billing by {world.admin.agent.name}"
    await audience.silent(["contact"])
    cleared = await call(admin, "post", conv_url(world, "/assignments"), {"assignee_id": None})
    assert cleared.status_code == 200 and cleared.content == b"null"
    conversation = await Conversation.objects.aget(pk=world.conversation.pk)
    assert (conversation.assignee_id, conversation.team_id) == (None, team.id)
    teamed = await call(admin, "post", conv_url(world, "/assignments"), {"team_id": team.id})
    assert {k: teamed.json()[k] for k in ("id", "name", "account_id")} == {
        "id": team.id,
        "name": "Billing",
        "account_id": world.account.id,
    }
    untamed = await call(admin, "post", conv_url(world, "/assignments"), {"team_id": None})
    assert untamed.content == b"null"
    foreign = await call(
        admin, "post", conv_url(world, "/assignments"), {"assignee_id": world.foreign_agent.id}
    )
    assert foreign.status_code == 400 and "assignee_id" in foreign.json()
    empty = await call(admin, "post", conv_url(world, "/assignments"), {})
    assert empty.status_code == 400 and "assignee_id" in empty.json()


async def test_typing_status(world, audience):
    agent = client_for(world.agent)
    response = await call(
        agent, "post", conv_url(world, "/toggle_typing_status"), {"typing_status": "on"}
    )
    assert response.status_code == 200
    data = await audience.expect(["admin", "contact"], "conversation.typing_on")
    assert data["user"]["id"] == world.agent.id
    await audience.silent(["agent"])
    bad = await call(
        agent, "post", conv_url(world, "/toggle_typing_status"), {"typing_status": "maybe"}
    )
    assert bad.status_code == 400 and "typing_status" in bad.json()


def test_update_last_seen_moves_agent_last_seen_at(world):
    response = client_for(world.agent).post(conv_url(world, "/update_last_seen"))
    assert response.status_code == 200 and response.json()["agent_last_seen_at"] > 0
    world.conversation.refresh_from_db()
    assert world.conversation.agent_last_seen_at is not None


# Messages ----------------------------------------------------------------------------------


async def test_post_list_edit_and_delete_messages(world, audience):
    agent = client_for(world.agent)
    response = await call(
        agent, "post", conv_url(world, "/messages"), {"content": "On it!", "echo_id": "tmp-42"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["echo_id"] == "tmp-42" and body["sender"]["id"] == world.agent.id
    created = await audience.expect(["agent", "admin", "contact"], "message.created")
    assert created["echo_id"] == "tmp-42"
    await audience.expect(["agent", "admin"], "first.reply.created")
    await audience.expect(["agent", "admin", "contact"], "conversation.updated")

    note = await call(
        agent, "post", conv_url(world, "/messages"), {"content": "internal", "private": True}
    )
    await audience.expect(["agent", "admin"], "message.created")
    await audience.silent(["contact"])

    listed = await call(agent, "get", conv_url(world, "/messages"))
    assert [m["content"] for m in listed.json()["payload"]] == ["On it!", "internal"]

    edited = await call(
        agent, "patch", conv_url(world, f"/messages/{body['id']}"), {"content": "On it now!"}
    )
    assert edited.json()["content"] == "On it now!"
    await audience.expect(["agent", "admin", "contact"], "message.updated")

    deleted = await call(agent, "delete", conv_url(world, f"/messages/{note.json()['id']}"))
    assert deleted.json()["content_attributes"]["deleted"] is True
    await audience.expect(["agent", "admin"], "message.updated")
    await audience.silent(["contact", "foreign"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "content"),
        ({"content": ""}, "content"),
        ({"content": "x", "message_type": "sideways"}, "message_type"),
        ({"content": "x", "content_type": "video"}, "content_type"),
        ({"content": "x", "content_attributes": [1]}, "content_attributes"),
        ({"content": "x", "private": "perhaps"}, "private"),
    ],
)
def test_bad_message_bodies_are_400_naming_the_field(world, body, field):
    response = client_for(world.agent).post(conv_url(world, "/messages"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Message.objects.count() == 0


def test_a_message_of_another_conversation_is_404(world):
    other = f.make_conversation(world.session)
    message = f.make_message(other)
    response = client_for(world.agent).patch(
        conv_url(world, f"/messages/{message.id}"), {"content": "x"}, format="json"
    )
    assert response.status_code == 404


def test_malformed_json_is_400(world):
    response = client_for(world.agent).generic(
        "POST", conv_url(world, "/messages"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400 and "detail" in response.json()


# Contacts ----------------------------------------------------------------------------------


async def test_contact_crud_and_events(world, audience):
    admin = client_for(world.admin)
    created = await call(
        admin, "post", url(world, "contacts"), {"name": "Jane", "email": "Jane@Acme.inc"}
    )
    # As Chatwoot answers (chatwoot-sdk raises on any other shape): 200, contact and session.
    assert created.status_code == 200
    contact = created.json()["payload"]["contact"]
    assert created.json()["payload"]["contact_inbox"] == {"inbox": None, "source_id": None}
    assert contact["pubsub_token"] is None and contact["type"] == "contact"
    await audience.expect(["agent", "admin"], "contact.created")

    duplicate = await call(admin, "post", url(world, "contacts"), {"email": "jane@acme.INC"})
    assert duplicate.status_code == 400 and "email" in duplicate.json()

    patched = await call(
        admin, "patch", url(world, f"contacts/{contact['id']}"), {"phone_number": "+47 123 45 678"}
    )
    assert patched.json()["payload"]["phone_number"] == "+47 123 45 678"
    await audience.expect(["agent", "admin"], "contact.updated")

    bad = await call(
        admin, "patch", url(world, f"contacts/{contact['id']}"), {"email": "not-an-email"}
    )
    assert bad.status_code == 400 and "email" in bad.json()

    listed = await call(admin, "get", url(world, "contacts"))
    assert listed.json()["meta"]["all_count"] == 2

    gone = await call(admin, "delete", url(world, f"contacts/{contact['id']}"))
    assert gone.status_code == 204
    await audience.expect(["agent", "admin"], "contact.deleted")
    await audience.silent(["contact", "foreign"])
    assert (await call(admin, "get", url(world, f"contacts/{contact['id']}"))).status_code == 404


async def test_contact_merge(world, audience):
    admin = client_for(world.admin)
    base = await sync_to_async(f.make_contact)(world.account, name="Jane")
    await audience.expect(["agent", "admin"], "contact.created")
    mergee = world.session.contact
    response = await call(
        admin,
        "post",
        url(world, "actions/contact_merge"),
        {"base_contact_id": base.id, "mergee_contact_id": mergee.id},
    )
    assert response.status_code == 200 and response.json()["id"] == base.id
    await audience.expect(["agent", "admin"], "conversation.contact_changed")
    await audience.expect(["agent", "admin"], "contact.deleted")
    await audience.expect(["agent", "admin"], "contact.updated")
    assert not await Contact.objects.filter(pk=mergee.id).aexists()
    same = await call(
        admin,
        "post",
        url(world, "actions/contact_merge"),
        {"base_contact_id": base.id, "mergee_contact_id": base.id},
    )
    assert same.status_code == 400 and "mergee_contact_id" in same.json()
    foreign = await call(
        admin,
        "post",
        url(world, "actions/contact_merge"),
        {"base_contact_id": base.id, "mergee_contact_id": world.foreign_session.contact_id},
    )
    assert foreign.status_code == 400 and "mergee_contact_id" in foreign.json()


# Profile -----------------------------------------------------------------------------------


def test_set_availability(world):
    agent = client_for(world.agent)
    response = agent.post(
        "/api/v1/profile/availability",
        {"account_id": world.account.id, "availability": "busy"},
        format="json",
    )
    # Chatwoot answers with the agent's profile, the chosen availability in each account.
    [membership] = response.json()["accounts"]
    assert (membership["id"], membership["availability"]) == (world.account.id, "busy")
    wrapped = agent.post(  # as Chatwoot's dashboard and apps send it
        "/api/v1/profile/availability",
        {"profile": {"account_id": world.account.id, "availability": "offline"}},
        format="json",
    )
    assert wrapped.json()["accounts"][0]["availability"] == "offline"
    bad = agent.post(
        "/api/v1/profile/availability",
        {"account_id": world.account.id, "availability": "asleep"},
        format="json",
    )
    assert bad.status_code == 400 and "availability" in bad.json()
    foreign = agent.post(
        "/api/v1/profile/availability",
        {"account_id": world.foreign_account.id, "availability": "busy"},
        format="json",
    )
    assert foreign.status_code == 400 and "account_id" in foreign.json()
