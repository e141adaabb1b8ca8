"""The first calls an integration makes (who am I, which inboxes, agents, teams, how many
conversations, find this contact), through Chatwoot's own Python SDK against a live server,
and their shapes and errors in-process."""

import pytest
from chatwoot import ChatwootClient

from conversations.models import InboxMember, TeamMember

from . import factories as f
from .test_api_application import client_for, url


@pytest.fixture
def directory(world):
    team = f.make_team(world.account, name="Billing")
    TeamMember.objects.create(team=team, user=world.agent)
    f.make_contact(world.account, name="Jane Roe", email="jane@roe.test", phone_number="+4711")
    mine = f.make_conversation(world.session, assignee=world.agent)
    f.make_message(mine, content="Where is my parcel?")
    return team


@pytest.mark.server
@pytest.mark.redis
def test_an_integrators_first_calls_with_chatwoots_sdk(world, directory, live_server_factory):
    server = live_server_factory()
    account_id = world.account.id
    with ChatwootClient(
        base_url=f"http://127.0.0.1:{server.port}", api_token=world.agent.agent.access_token
    ) as client:
        profile = client.profile.get()
        assert (profile.id, profile.name, profile.account_id) == (
            world.agent.id,
            "John",
            account_id,
        )
        assert [a.id for a in profile.accounts] == [account_id]
        agents = client.agents.list(account_id=account_id)
        assert {a.id for a in agents} == {world.admin.id, world.agent.id, world.outsider.id}
        assert {a.role for a in agents} == {"administrator", "agent"}
        inboxes = client.inboxes.list(account_id=account_id)
        assert [i.id for i in inboxes] == [world.inbox.id]  # the agent's own inboxes
        assert client.inboxes.get(account_id=account_id, inbox_id=world.inbox.id).name == (
            "Website"
        )
        [team] = client.teams.list(account_id=account_id)
        assert (team.id, team.name, team.is_member) == (directory.id, "Billing", True)
        counts = client.conversations.get_counts(account_id=account_id)["meta"]
        assert counts == {
            "mine_count": 1,
            "assigned_count": 1,
            "unassigned_count": 1,
            "all_count": 2,
        }
        [jane] = client.contacts.search(account_id=account_id, query="roe.test")
        assert jane.name == "Jane Roe"
        made = client.contacts.create(
            account_id=account_id, inbox_id=world.inbox.id, name="Kari", email="kari@acme.test"
        )
        assert made.contact.name == "Kari" and made.contact_inbox.source_id
        renamed = client.contacts.update(
            account_id=account_id, contact_id=made.contact.id, name="Kari N."
        )
        assert renamed.name == "Kari N."


def test_list_meta_counts_and_the_q_filter(world, directory):
    agent = client_for(world.agent)
    data = agent.get(url(world, "conversations"), {"assignee_type": "me"}).json()["data"]
    assert len(data["payload"]) == 1
    assert (data["meta"]["mine_count"], data["meta"]["all_count"]) == (1, 2)
    found = agent.get(url(world, "conversations"), {"q": "parcel"}).json()["data"]["payload"]
    assert len(found) == 1 and found[0]["meta"]["assignee"]["id"] == world.agent.id
    by_name = agent.get(url(world, "conversations"), {"q": "white-shadow"}).json()["data"]
    assert by_name["meta"]["all_count"] == 2


def test_inbox_and_team_members(world, directory):
    admin = client_for(world.admin)
    members = admin.get(url(world, f"inbox_members/{world.inbox.id}")).json()["payload"]
    assert [m["id"] for m in members] == [world.agent.id]
    assert members[0]["email"] and members[0]["available_name"] == "John"
    team_members = admin.get(url(world, f"teams/{directory.id}/team_members")).json()
    assert [m["id"] for m in team_members] == [world.agent.id]
    # An agent sees only the inboxes it is in.
    assert (
        client_for(world.agent).get(url(world, f"inboxes/{world.other_inbox.id}")).status_code
        == 404
    )
    InboxMember.objects.filter(inbox=world.inbox).delete()
    assert admin.get(url(world, f"inbox_members/{world.inbox.id}")).json()["payload"] == []


def test_search_needs_a_query_and_stays_in_its_account(world, directory):
    agent = client_for(world.agent)
    assert agent.get(url(world, "contacts/search")).status_code == 400
    f.make_contact(world.foreign_account, name="Jane Foreign", email="jane@foreign.test")
    found = agent.get(url(world, "contacts/search"), {"q": "jane"}).json()
    assert [c["name"] for c in found["payload"]] == ["Jane Roe"]
    assert found["meta"] == {"count": 1, "current_page": 1}


def test_errors_carry_the_message_chatwoots_sdks_show(world):
    agent = client_for(world.agent)
    bad = agent.post(url(world, "contacts"), {"email": "not-an-email"}, format="json").json()
    assert "email" in bad  # the field map stays
    assert bad["message"].startswith("email: ") and bad["attributes"] == ["email"]
    missing = client_for(None).get(url(world, "conversations")).json()
    assert missing["message"] == missing["detail"]


def test_custom_attributes_mute_unmute_and_unread(world):
    from conversations.models import Message

    agent = client_for(world.agent)
    agent.default_format = "json"
    path = url(world, f"conversations/{world.conversation.display_id}")
    response = agent.post(f"{path}/custom_attributes", {"custom_attributes": {"plan": "pro"}})
    assert response.json() == {"custom_attributes": {"plan": "pro"}}
    bad = agent.post(f"{path}/custom_attributes", {"custom_attributes": ["x"]})
    assert bad.status_code == 400 and "custom_attributes" in bad.json()

    assert agent.post(f"{path}/mute").status_code == 200
    shown = agent.get(path).json()
    assert shown["muted"] is True and shown["status"] == "resolved"
    f.make_message(world.conversation, content="still muted?")
    assert agent.get(path).json()["status"] == "resolved"  # a muted contact reopens nothing
    assert agent.post(f"{path}/unmute").status_code == 200
    assert agent.get(path).json()["muted"] is False
    texts = list(
        world.conversation.messages.filter(message_type=Message.MessageType.ACTIVITY)
        .order_by("id")
        .values_list("content", flat=True)
    )
    assert texts == ["John has muted the conversation", "John has unmuted the conversation"]

    agent.post(f"{path}/update_last_seen")
    assert agent.get(path).json()["unread_count"] == 0
    unread = agent.post(f"{path}/unread").json()
    assert unread["unread_count"] == 1  # from the contact's last message on


def test_administrators_manage_agents_inbox_members_and_teams(world):
    admin, agent = client_for(world.admin), client_for(world.agent)
    admin.default_format = agent.default_format = "json"
    created = admin.post(url(world, "agents"), {"name": "Nia", "email": "nia@acme.test"})
    assert created.status_code == 200
    nia = created.json()
    assert (nia["name"], nia["role"], nia["email"]) == ("Nia", "agent", "nia@acme.test")
    assert (
        agent.post(url(world, "agents"), {"name": "X", "email": "x@acme.test"}).status_code == 403
    )
    updated = admin.patch(url(world, f"agents/{nia['id']}"), {"role": "administrator"})
    assert updated.json()["role"] == "administrator"
    assert admin.patch(url(world, f"agents/{nia['id']}"), {"role": "owner"}).status_code == 400

    members = url(world, "inbox_members")
    added = admin.post(members, {"inbox_id": world.inbox.id, "user_ids": [nia["id"]]}).json()
    assert {m["id"] for m in added["payload"]} == {world.agent.id, nia["id"]}
    replaced = admin.patch(members, {"inbox_id": world.inbox.id, "user_ids": [nia["id"]]})
    assert [m["id"] for m in replaced.json()["payload"]] == [nia["id"]]
    foreign = admin.post(
        members, {"inbox_id": world.inbox.id, "user_ids": [world.foreign_agent.id]}
    )
    assert foreign.status_code == 400 and "user_ids" in foreign.json()
    admin.delete(members, {"inbox_id": world.inbox.id, "user_ids": [nia["id"]]})
    assert InboxMember.objects.filter(inbox=world.inbox).count() == 0

    team = admin.post(url(world, "teams"), {"name": "Sales"}).json()
    assert admin.post(url(world, "teams"), {"name": "Sales"}).status_code == 400
    team_path = url(world, f"teams/{team['id']}")
    assert admin.patch(team_path, {"description": "Deals"}).json()["description"] == "Deals"
    in_team = admin.post(f"{team_path}/team_members", {"user_ids": [world.agent.id]}).json()
    assert [m["id"] for m in in_team] == [world.agent.id]
    assert agent.delete(team_path).status_code == 403
    assert admin.delete(team_path).status_code == 200
    assert admin.delete(url(world, f"agents/{nia['id']}")).status_code == 200
    assert admin.get(url(world, f"agents/{nia['id']}")).status_code == 404


def test_contacts_as_chatwoots_clients_read_them(world):
    admin = client_for(world.admin)
    admin.default_format = "json"
    created = admin.post(
        url(world, "contacts"),
        {"name": "Ola", "email": "ola@acme.test", "inbox_id": world.inbox.id},
    ).json()["payload"]
    contact, session = created["contact"], created["contact_inbox"]
    assert session["inbox"]["id"] == world.inbox.id and session["source_id"]
    assert [s["source_id"] for s in contact["contact_inboxes"]] == [session["source_id"]]
    assert contact["availability_status"] == "offline" and contact["created_at"] > 0
    replaced = admin.put(url(world, f"contacts/{contact['id']}"), {"name": "Ola N."})
    assert replaced.json()["payload"]["name"] == "Ola N."
    other = admin.post(
        url(world, f"contacts/{contact['id']}/contact_inboxes"),
        {"inbox_id": world.other_inbox.id, "source_id": "crm-42"},
    ).json()
    assert (other["source_id"], other["inbox"]["id"]) == ("crm-42", world.other_inbox.id)
    inboxes = admin.get(url(world, f"contacts/{contact['id']}/contactable_inboxes")).json()
    assert {i["inbox"]["id"] for i in inboxes["payload"]} == {world.inbox.id, world.other_inbox.id}
    listed = admin.get(url(world, f"contacts/{world.session.contact_id}/conversations")).json()
    assert [c["id"] for c in listed["payload"]] == [world.conversation.display_id]
    meta = admin.get(url(world, "contacts")).json()["meta"]
    assert meta["count"] == meta["all_count"] >= 2
    bad = admin.post(
        url(world, "contacts"), {"name": "X", "inbox_id": world.foreign_session.inbox_id}
    )
    assert bad.status_code == 400 and "inbox_id" in bad.json()
