"""An integrator's scripts, written against Chatwoot with its two Python SDKs from PyPI, run
unchanged against a live CarbonChat (daphne, the api_access_token header): every endpoint
group of the agent API, and a message with an attachment."""

import json

import httpx
import pytest
from chatwoot import ChatwootClient

from conversations.models import Label

from . import factories as f
from .live import free_port

pytestmark = [pytest.mark.server, pytest.mark.redis]


@pytest.fixture
def server(world, live_server_factory, tmp_path):
    Label.objects.create(account=world.account, title="billing")
    port = free_port()
    return live_server_factory(
        port=port, MEDIA_ROOT=str(tmp_path / "media"), FRONTEND_URL=f"http://127.0.0.1:{port}"
    )


def base(server) -> str:
    return f"http://127.0.0.1:{server.port}"


def test_chatwoots_own_sdk_drives_every_group(world, server):
    account = world.account.id
    admin = ChatwootClient(base_url=base(server), api_token=world.admin.agent.access_token)
    with admin:
        # Directory: agents, inboxes and their members, teams and theirs.
        new = admin.agents.add(
            account_id=account, name="Nina", email="nina@acme.test", role="agent"
        )
        assert admin.agents.update(account_id=account, agent_id=new.id, role="administrator")
        inbox = admin.inboxes.create(
            account_id=account, name="Bots", channel_type="api", webhook_url="https://b.test/h"
        )
        assert inbox.channel_type == "Channel::Api" and inbox.webhook_url == "https://b.test/h"
        renamed = admin.inboxes.update(account_id=account, inbox_id=inbox.id, name="Bot desk")
        assert renamed.name == "Bot desk"
        admin.inboxes.agents.add(account_id=account, inbox_id=inbox.id, agent_ids=[new.id])
        # (The SDK's inboxes.agents.list unwraps Chatwoot's {"payload": [...]} twice and so
        # returns [] from Chatwoot too: read the members as the dashboard does.)
        members = httpx.get(
            f"{base(server)}/api/v1/accounts/{account}/inbox_members/{inbox.id}",
            headers={"api_access_token": world.admin.agent.access_token},
        ).json()["payload"]
        assert [m["id"] for m in members] == [new.id]
        team = admin.teams.create(account_id=account, name="Tier 2", description="Escalations")
        admin.teams.agents.add(account_id=account, team_id=team.id, agent_ids=[world.agent.id])
        assert [a.id for a in admin.teams.agents.list(account_id=account, team_id=team.id)] == [
            world.agent.id
        ]
        assert admin.teams.update(account_id=account, team_id=team.id, name="T2").name == "T2"
        # Contacts and a conversation with them.
        made = admin.contacts.create(
            account_id=account, inbox_id=world.inbox.id, name="Kim", email="kim@acme.test"
        )
        conversation = admin.conversations.create(
            account_id=account,
            inbox_id=world.inbox.id,
            source_id=made.contact_inbox.source_id,
            contact_id=made.contact.id,
        )
        assert conversation.id and conversation.inbox_id == world.inbox.id
        admin.conversations.labels.add(
            account_id=account, conversation_id=conversation.id, labels=["billing"]
        )
        by_label = admin.conversations.list(account_id=account, labels=["billing"])
        assert [c.id for c in by_label] == [conversation.id]
        by_query = admin.conversations.list(account_id=account, q="kim@acme")
        assert [c.id for c in by_query] == [conversation.id]
        assert [
            c.id
            for c in admin.conversations.list(
                account_id=account, inbox_id=world.inbox.id, assignee_type="unassigned"
            )
        ] == sorted([conversation.id, world.conversation.display_id], reverse=True)
        urgent = admin.conversations.update(
            account_id=account, conversation_id=conversation.id, priority="urgent"
        )
        assert urgent.id == conversation.id
        shown = admin.conversations.get(account_id=account, conversation_id=conversation.id)
        assert str(getattr(shown.priority, "value", shown.priority)) == "urgent"
        toggled = admin.conversations.toggle_status(
            account_id=account, conversation_id=conversation.id, status="pending"
        )
        assert toggled.current_status == "pending"
        # Messages: text, then a file the dashboard's way (multipart), read back by the SDK.
        sent = admin.messages.create(
            account_id=account, conversation_id=conversation.id, content="Hello Kim"
        )
        assert sent.content == "Hello Kim" and sent.message_type in (1, "outgoing")
        upload = httpx.post(
            f"{base(server)}/api/v1/accounts/{account}/conversations/{conversation.id}/messages",
            headers={"api_access_token": world.admin.agent.access_token},
            data={"content": "Your invoice"},
            files={"attachments[]": ("invoice.pdf", b"%PDF-1.4 x", "application/pdf")},
        )
        assert upload.status_code == 201, upload.text
        listed = admin.messages.list(account_id=account, conversation_id=conversation.id)
        [with_file] = [m for m in listed if m.attachments]
        assert with_file.attachments[0].file_type == "file"
        assert with_file.attachments[0].file_size == len(b"%PDF-1.4 x")
        fetched = httpx.get(with_file.attachments[0].data_url)
        assert fetched.status_code == 200 and fetched.content == b"%PDF-1.4 x"
        # Contacts: search, their conversations, labels.
        assert [c.id for c in admin.contacts.search(account_id=account, query="kim@")] == [
            made.contact.id
        ]
        assert [
            c.id
            for c in admin.contacts.conversations(account_id=account, contact_id=made.contact.id)
        ] == [conversation.id]
        admin.contacts.labels.add(
            account_id=account, contact_id=made.contact.id, labels=["billing"]
        )
        assert admin.contacts.labels.list(account_id=account, contact_id=made.contact.id) == [
            "billing"
        ]
        # Clean up as an integrator would.
        admin.teams.delete(account_id=account, team_id=team.id)
        admin.agents.remove(account_id=account, agent_id=new.id)
        assert new.id not in {a.id for a in admin.agents.list(account_id=account)}


def test_the_client_generated_from_the_swagger_filters_assigns_and_replaces(world, server):
    from chatwoot_client import ApiClient, Configuration
    from chatwoot_client.apis.contacts_api import ContactsApi
    from chatwoot_client.apis.conversation_assignment_api import ConversationAssignmentApi
    from chatwoot_client.apis.conversations_api import ConversationsApi
    from chatwoot_client.apis.inboxes_api import InboxesApi
    from chatwoot_client.apis.profile_api import ProfileApi
    from chatwoot_client.models import (
        ContactsFilterBody,
        ConversationIdAssignmentsBody,
        ConversationsFilterBody,
    )

    configuration = Configuration()
    configuration.host = base(server)
    configuration.api_key["api_access_token"] = world.admin.agent.access_token
    client = ApiClient(configuration)
    account = world.account.id
    f.make_contact(world.account, name="Ola Nordmann", email="ola@nordmann.test")

    profile = ProfileApi(client).fetch_profile()
    assert (profile.id, profile.email) == (world.admin.id, world.admin.email)

    conversations = ConversationsApi(client)
    condition = {"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"]}
    found = conversations.conversation_filter(ConversationsFilterBody(payload=[condition]), account)
    assert [c.id for c in found.payload] == [world.conversation.display_id]
    assert (found.meta.all_count, found.meta.unassigned_count) == (1, 1)

    assigned = ConversationAssignmentApi(client).assign_a_conversation(
        ConversationIdAssignmentsBody(assignee_id=world.agent.id),
        account,
        world.conversation.display_id,
    )
    assert (assigned.id, assigned.role) == (world.agent.id, "agent")
    meta = conversations.conversation_list_meta(account).meta
    assert (meta.mine_count, meta.assigned_count, meta.unassigned_count) == (0, 1, 0)

    # The swagger describes contact lists and views as bare objects (Chatwoot's views answer
    # {"payload": …}), so its generated models keep nothing of them: read the raw answers,
    # as an integrator using this client must against Chatwoot too.
    # The swagger's inbox paths end in a slash; they answer as the ones without.
    inboxes = InboxesApi(client)
    made = inboxes.inbox_creation({"name": "Hooks", "channel": {"type": "api"}}, account)
    assert made.name == "Hooks" and made.channel_type == "Channel::Api"
    assert inboxes.get_inbox(account, made.id).name == "Hooks"

    contacts = ContactsApi(client)
    by_email = {"attribute_key": "email", "filter_operator": "contains", "values": ["nordmann"]}
    raw = contacts.contact_filter(
        ContactsFilterBody(payload=[by_email]), account, _preload_content=False
    )
    [ola] = json.loads(raw.data)["payload"]
    assert ola["name"] == "Ola Nordmann"
    contacts.contact_update({"name": "Ola N.", "phone_number": "+4712345678"}, account, ola["id"])
    shown = json.loads(contacts.contact_details(account, ola["id"], _preload_content=False).data)
    assert (shown["payload"]["name"], shown["payload"]["phone_number"]) == ("Ola N.", "+4712345678")
