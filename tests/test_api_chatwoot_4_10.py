"""
What Chatwoot 4.10's dashboard calls around the socket: priority, snooze, labels, blocked
contacts, cache keys, the reconnect refetch (``updated_within``) and message paging; every
bad input a 400 naming its field.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conversations.models import Conversation, Label, Message
from conversations.services import conversations as conversation_services

from . import factories as f
from .test_api_application import client_for as json_client_for
from .test_api_application import conv_url, url


def client_for(user):
    client = json_client_for(user)
    client.default_format = "json"
    return client


@pytest.fixture
def labels(world):
    return [
        Label.objects.create(account=world.account, title=title) for title in ("billing", "vip")
    ]


# Priority --------------------------------------------------------------------------------


def test_priority_by_toggle_and_patch_with_an_activity_line(world):
    agent = client_for(world.agent)
    assert agent.post(conv_url(world, "/toggle_priority"), {"priority": "high"}).status_code == 200
    world.conversation.refresh_from_db()
    assert world.conversation.priority == "high"
    patched = agent.patch(conv_url(world), {"priority": "urgent"}, format="json")
    assert patched.status_code == 200 and patched.json()["priority"] == "urgent"
    cleared = agent.patch(conv_url(world), {"priority": None}, format="json")
    assert cleared.json()["priority"] is None
    activity = list(
        world.conversation.messages.filter(message_type=Message.MessageType.ACTIVITY).values_list(
            "content", flat=True
        )
    )
    assert activity == [
        "John set the priority to high",
        "John changed the priority from high to urgent",
        "John removed the priority",
    ]


@pytest.mark.parametrize("value", ["critical", 3, ["high"]])
def test_a_priority_outside_the_four_is_400(world, value):
    agent = client_for(world.agent)
    response = agent.post(conv_url(world, "/toggle_priority"), {"priority": value}, format="json")
    assert response.status_code == 400 and "priority" in response.json()
    response = agent.patch(conv_url(world), {"priority": value}, format="json")
    assert response.status_code == 400 and "priority" in response.json()


# Snooze ----------------------------------------------------------------------------------


def test_snooze_until_a_time_then_it_reopens_when_due(world):
    agent = client_for(world.agent)
    until = int((timezone.now() + timedelta(hours=2)).timestamp())
    response = agent.post(
        conv_url(world, "/toggle_status"),
        {"status": "snoozed", "snoozed_until": until},
        format="json",
    )
    assert response.status_code == 200
    payload = response.json()["payload"]
    assert payload["current_status"] == "snoozed" and payload["snoozed_until"].endswith("Z")
    shown = agent.get(conv_url(world)).json()
    assert shown["status"] == "snoozed" and shown["snoozed_until"] == payload["snoozed_until"]
    assert conversation_services.conversation_reopen_due() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=2, seconds=1)):
        assert conversation_services.conversation_reopen_due() == 1
    world.conversation.refresh_from_db()
    assert world.conversation.status == "open" and world.conversation.snoozed_until is None


def test_an_incoming_message_reopens_a_snoozed_conversation(world):
    conversation_services.conversation_toggle_status(
        conversation=world.conversation,
        status="snoozed",
        snoozed_until=timezone.now() + timedelta(days=1),
    )
    f.make_message(world.conversation, content="still there?")
    client = client_for(world.agent)
    client.post(conv_url(world, "/messages"), {"content": "x", "message_type": "incoming"})
    world.conversation.refresh_from_db()
    assert world.conversation.status == "open"


@pytest.mark.parametrize(
    "value", [1, "yesterday", "2020-01-01T00:00:00Z", "9" * 40, True, {"at": 1}]
)
def test_a_past_or_unparsable_snooze_time_is_400(world, value):
    response = client_for(world.agent).post(
        conv_url(world, "/toggle_status"),
        {"status": "snoozed", "snoozed_until": value},
        format="json",
    )
    assert response.status_code == 400 and "snoozed_until" in response.json()
    world.conversation.refresh_from_db()
    assert world.conversation.status == "open"


# Labels ----------------------------------------------------------------------------------


def test_account_labels_crud_for_administrators(world):
    admin, agent = client_for(world.admin), client_for(world.agent)
    created = admin.post(url(world, "labels"), {"title": "Billing", "color": "#ff0000"})
    assert created.status_code == 200
    label = created.json()
    assert label["title"] == "billing" and label["color"] == "#ff0000"
    assert agent.post(url(world, "labels"), {"title": "x"}).status_code == 403
    listed = agent.get(url(world, "labels")).json()["payload"]
    assert [item["title"] for item in listed] == ["billing"]
    renamed = admin.patch(url(world, f"labels/{label['id']}"), {"title": "payments"})
    assert renamed.json()["title"] == "payments"
    duplicate = admin.post(url(world, "labels"), {"title": "PAYMENTS"})
    assert duplicate.status_code == 400 and "title" in duplicate.json()
    bad = admin.post(url(world, "labels"), {"title": "two words"})
    assert bad.status_code == 400 and "title" in bad.json()
    foreign = client_for(world.foreign_agent).get(
        url(world, f"labels/{label['id']}", account=world.foreign_account)
    )
    assert foreign.status_code == 404
    assert admin.delete(url(world, f"labels/{label['id']}")).status_code == 200
    assert agent.get(url(world, "labels")).json()["payload"] == []


def test_conversation_labels_replace_filter_and_show(world, labels):
    agent = client_for(world.agent)
    response = agent.post(conv_url(world, "/labels"), {"labels": ["VIP", "billing"]}, format="json")
    assert response.status_code == 200 and response.json() == {"payload": ["billing", "vip"]}
    assert agent.get(conv_url(world, "/labels")).json() == {"payload": ["billing", "vip"]}
    assert agent.get(conv_url(world)).json()["labels"] == ["billing", "vip"]
    other = f.make_conversation(world.session)
    listed = agent.get(url(world, "conversations"), {"labels[]": ["vip"]}).json()["data"]
    assert [c["id"] for c in listed["payload"]] == [world.conversation.display_id]
    assert other.display_id not in [c["id"] for c in listed["payload"]]
    agent.post(conv_url(world, "/labels"), {"labels": ["vip"]}, format="json")
    activity = world.conversation.messages.filter(message_type=Message.MessageType.ACTIVITY)
    assert [m.content for m in activity] == ["John added billing, vip", "John removed billing"]


def test_an_unknown_label_is_400_and_changes_nothing(world, labels):
    agent = client_for(world.agent)
    response = agent.post(conv_url(world, "/labels"), {"labels": ["vip", "nope"]}, format="json")
    assert response.status_code == 400 and "labels" in response.json()
    assert "nope" in str(response.json()["labels"])
    assert world.conversation.labels.count() == 0
    foreign_label = Label.objects.create(account=world.foreign_account, title="secret")
    response = agent.post(conv_url(world, "/labels"), {"labels": [foreign_label.title]})
    assert response.status_code == 400


def test_contact_labels(world, labels):
    agent = client_for(world.agent)
    path = url(world, f"contacts/{world.session.contact_id}/labels")
    assert agent.post(path, {"labels": ["vip"]}, format="json").json() == {"payload": ["vip"]}
    assert agent.get(path).json() == {"payload": ["vip"]}


# Contacts ---------------------------------------------------------------------------------


def test_a_blocked_contact_mutes_its_conversations_and_new_ones_start_resolved(world):
    agent = client_for(world.agent)
    contact_url = url(world, f"contacts/{world.session.contact_id}")
    response = agent.patch(contact_url, {"blocked": True}, format="json")
    assert response.status_code == 200 and response.json()["payload"]["blocked"] is True
    assert agent.get(conv_url(world)).json()["muted"] is True
    created = agent.post(
        url(world, "conversations"),
        {"inbox_id": world.inbox.id, "contact_id": world.session.contact_id},
        format="json",
    )
    assert created.json()["status"] == "resolved"


# Waiting and first reply -----------------------------------------------------------------


def test_waiting_since_and_first_reply_follow_the_conversation(world):
    agent = client_for(world.agent)
    shown = agent.get(conv_url(world)).json()
    assert shown["waiting_since"] > 0 and shown["first_reply_created_at"] == 0
    agent.post(conv_url(world, "/messages"), {"content": "note", "private": True})
    assert agent.get(conv_url(world)).json()["waiting_since"] > 0  # a note is no answer
    agent.post(conv_url(world, "/messages"), {"content": "Hello!"})
    shown = agent.get(conv_url(world)).json()
    assert shown["waiting_since"] == 0 and shown["first_reply_created_at"] > 0
    f.make_message(world.conversation, content="thanks")  # the contact writes again
    from conversations.services.messages import conversation_after_message

    message = world.conversation.messages.last()
    conversation_after_message(conversation=world.conversation, message=message, first_reply=False)
    assert agent.get(conv_url(world)).json()["waiting_since"] > 0


# Reconnect: cache keys, updated_within, message pages --------------------------------------


def test_cache_keys_change_when_labels_inboxes_or_teams_change(world):
    agent = client_for(world.agent)
    before = agent.get(f"/api/v1/accounts/{world.account.id}/cache_keys").json()["cache_keys"]
    assert set(before) == {"label", "inbox", "team"}
    Label.objects.create(account=world.account, title="new")
    after = agent.get(f"/api/v1/accounts/{world.account.id}/cache_keys").json()["cache_keys"]
    assert after["label"] != before["label"]
    assert after["inbox"] == before["inbox"] and after["team"] == before["team"]
    f.make_team(world.account)
    again = agent.get(f"/api/v1/accounts/{world.account.id}/cache_keys").json()["cache_keys"]
    assert again["team"] != after["team"]
    foreign = client_for(world.foreign_agent).get(f"/api/v1/accounts/{world.account.id}/cache_keys")
    assert foreign.status_code == 404


def test_updated_within_lists_only_what_changed_while_away(world):
    agent = client_for(world.agent)
    stale = f.make_conversation(world.session)
    Conversation.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    listed = agent.get(url(world, "conversations"), {"updated_within": "60"}).json()["data"]
    assert [c["id"] for c in listed["payload"]] == [world.conversation.display_id]
    bad = agent.get(url(world, "conversations"), {"updated_within": "soon"})
    assert bad.status_code == 400 and "updated_within" in bad.json()


def test_messages_page_as_chatwoot_pages_them(world):
    messages = [f.make_message(world.conversation, content=f"m{n}") for n in range(130)]
    agent = client_for(world.agent)
    path = conv_url(world, "/messages")
    latest = agent.get(path).json()
    assert [m["content"] for m in latest["payload"]] == [f"m{n}" for n in range(110, 130)]
    assert latest["meta"]["contact"]["id"] == world.session.contact_id
    assert set(latest["meta"]) >= {"labels", "additional_attributes", "contact"}
    older = agent.get(path, {"before": messages[110].id}).json()["payload"]
    assert [m["content"] for m in older] == [f"m{n}" for n in range(90, 110)]
    newer = agent.get(path, {"after": messages[5].id}).json()["payload"]
    assert [m["content"] for m in newer] == [f"m{n}" for n in range(6, 106)]
    for bad in ("²", "-1", "9" * 30, "x"):
        response = agent.get(path, {"after": bad})
        assert response.status_code == 400 and "after" in response.json()
