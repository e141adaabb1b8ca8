"""The client API (contacts) of API inboxes: shapes, errors, rate limits and events."""

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from rest_framework.test import APIClient

from conversations.models import Inbox, Message

from . import factories as f
from .audience import Audience, agent_identifier


@pytest.fixture
def api_inbox(world):
    inbox = world.other_inbox  # Channel::Api; world.outsider is its member
    assert inbox.channel_type == Inbox.ChannelType.API
    return inbox


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def base(inbox) -> str:
    return f"/public/api/v1/inboxes/{inbox.identifier}"


def test_create_a_contact_returns_its_socket_token_once(world, api_inbox):
    response = APIClient().post(
        f"{base(api_inbox)}/contacts", {"name": "Visitor", "email": "v@example.com"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "source_id", "pubsub_token", "name", "email", "phone_number"}
    assert len(body["pubsub_token"]) >= 32
    again = APIClient().get(f"{base(api_inbox)}/contacts/{body['source_id']}").json()
    assert again["id"] == body["id"] and again["pubsub_token"] == body["pubsub_token"]


def test_only_api_inboxes_have_a_client_api(world, api_inbox):
    assert APIClient().post(f"{base(world.inbox)}/contacts", {}, format="json").status_code == 404
    assert (
        APIClient().post("/public/api/v1/inboxes/nope/contacts", {}, format="json").status_code
        == 404
    )


def test_bad_contact_fields_are_400(world, api_inbox):
    response = APIClient().post(
        f"{base(api_inbox)}/contacts", {"email": "bad", "custom_attributes": "x"}, format="json"
    )
    assert response.status_code == 400
    assert {"email", "custom_attributes"} <= set(response.json())


def test_another_sessions_conversation_is_404(world, api_inbox):
    mine = f.make_session(f.make_contact(world.account), api_inbox)
    theirs = f.make_session(f.make_contact(world.account), api_inbox)
    conversation = f.make_conversation(theirs)
    client = APIClient()
    path = f"{base(api_inbox)}/contacts/{mine.source_id}/conversations/{conversation.display_id}"
    assert client.get(path).status_code == 404
    assert client.post(path + "/messages", {"content": "x"}, format="json").status_code == 404
    assert client.get(f"{base(api_inbox)}/contacts/unknown-source").status_code == 404


async def test_a_contact_session_converses(world, api_inbox):
    audience = Audience()
    await audience.add("outsider", agent_identifier(world.outsider, world.account))
    await audience.add("agent", agent_identifier(world.agent, world.account))
    client = APIClient()

    def post(path, data=None):
        return sync_to_async(client.post)(path, data or {}, format="json")

    contact = (await post(f"{base(api_inbox)}/contacts", {"name": "Visitor"})).json()
    await audience.expect(["outsider", "agent"], "contact.created")
    root = f"{base(api_inbox)}/contacts/{contact['source_id']}/conversations"
    created = await post(root, {"custom_attributes": {"order": "A-1"}})
    assert created.status_code == 201
    conversation_id = created.json()["id"]
    await audience.expect(["outsider"], "conversation.created")
    message = await post(f"{root}/{conversation_id}/messages", {"content": "Hi", "echo_id": "e1"})
    assert message.status_code == 201 and message.json()["message_type"] == 0
    assert (await audience.expect(["outsider"], "message.created"))["echo_id"] == "e1"
    bad = await post(f"{root}/{conversation_id}/messages", {})
    assert bad.status_code == 400 and "content" in bad.json()

    await post(f"{root}/{conversation_id}/toggle_typing", {"typing_status": "on"})
    typing = await audience.expect(["outsider"], "conversation.typing_on")
    assert typing["user"]["type"] == "contact"
    await post(f"{root}/{conversation_id}/update_last_seen")
    await audience.expect(["outsider"], "conversation.read")
    resolved = await post(f"{root}/{conversation_id}/toggle_status")
    assert resolved.json()["status"] == "resolved"
    await audience.expect(["outsider"], "conversation.status_changed")
    await audience.silent(["agent"])  # not a member of the API inbox
    await audience.close()


def test_message_list_hides_notes_and_activity(world, api_inbox):
    session = f.make_session(f.make_contact(world.account), api_inbox)
    conversation = f.make_conversation(session)
    f.make_message(conversation, content="question")
    f.make_message(
        conversation, content="note", private=True, message_type=Message.MessageType.OUTGOING
    )
    f.make_message(conversation, content="assigned", message_type=Message.MessageType.ACTIVITY)
    f.make_message(conversation, content="answer", message_type=Message.MessageType.OUTGOING)
    path = (
        f"{base(api_inbox)}/contacts/{session.source_id}/conversations/"
        f"{conversation.display_id}/messages"
    )
    assert [m["content"] for m in APIClient().get(path).json()] == ["question", "answer"]
    detail = APIClient().get(path.removesuffix("/messages")).json()
    assert [m["content"] for m in detail["messages"]] == ["question", "answer"]


def test_the_public_api_is_rate_limited_with_retry_after(world, api_inbox, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_address": "100/min", "public_session": "3/min"},
    }
    session = f.make_session(f.make_contact(world.account), api_inbox)
    client = APIClient()
    path = f"{base(api_inbox)}/contacts/{session.source_id}"
    statuses = [client.get(path).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get(path)
    assert int(limited["Retry-After"]) > 0 and "detail" in limited.json()
    # Another session from the same address still has its own allowance.
    other = f.make_session(f.make_contact(world.account), api_inbox)
    assert client.get(f"{base(api_inbox)}/contacts/{other.source_id}").status_code == 200


async def test_a_contact_answers_a_form_and_a_survey(world, api_inbox):
    from datetime import timedelta

    from django.utils import timezone

    contact = await sync_to_async(f.make_contact)(world.account)
    session = await sync_to_async(f.make_session)(contact, api_inbox)
    conversation = await sync_to_async(f.make_conversation)(session)
    make = sync_to_async(f.make_message)
    outgoing = Message.MessageType.OUTGOING
    choice = await make(
        conversation,
        content="Which plan?",
        message_type=outgoing,
        content_type="input_select",
        content_attributes={"items": [{"title": "Pro", "value": "pro"}]},
    )
    survey = await make(
        conversation, content="Rate us", message_type=outgoing, content_type="input_csat"
    )
    text = await make(conversation, content="Hi", message_type=outgoing)
    note = await make(conversation, content="n", message_type=outgoing, private=True)
    messages = (
        f"{base(api_inbox)}/contacts/{session.source_id}/conversations/"
        f"{conversation.display_id}/messages"
    )
    agents = Audience()
    await agents.add("outsider", agent_identifier(world.outsider, world.account))
    client = APIClient()

    def patch(message, body):
        return sync_to_async(client.patch)(f"{messages}/{message.id}", body, format="json")

    answer = {"submitted_values": [{"name": "plan", "title": "Pro", "value": "pro"}]}
    answered = await patch(choice, answer)
    assert answered.status_code == 200, answered.json()
    assert answered.json()["content_attributes"]["submitted_values"] == answer["submitted_values"]
    assert answered.json()["content_attributes"]["items"]  # the question stays
    updated = await agents.expect(["outsider"], "message.updated")
    assert updated["previous_changes"]["content_attributes"][1]["submitted_values"]
    rated = await patch(
        survey,
        {"submitted_values": {"csat_survey_response": {"rating": 5, "feedback_message": "Great"}}},
    )
    assert rated.json()["content_attributes"]["csat_survey_response"]["rating"] == 5
    assert (await patch(text, answer)).status_code == 422
    assert (await patch(note, answer)).status_code == 404  # a note does not exist for contacts
    bad = await patch(choice, {"submitted_values": [{"value": "pro"}]})
    assert bad.status_code == 400 and bad.json()["attributes"] == ["submitted_values"]
    stars = {"submitted_values": {"csat_survey_response": {"rating": 9}}}
    assert (await patch(survey, stars)).status_code == 400
    await Message.objects.filter(pk=survey.pk).aupdate(
        created_at=timezone.now() - timedelta(days=15)
    )
    late = await patch(survey, {"submitted_values": {"csat_survey_response": {"rating": 1}}})
    assert late.status_code == 422 and "14 days" in late.json()["message"]
    await agents.close()


def test_the_public_inbox_view(world, api_inbox):
    body = APIClient().get(base(api_inbox)).json()
    assert body == {
        "identifier": api_inbox.identifier,
        "identity_validation_enabled": False,
        "name": api_inbox.name,
        "timezone": "UTC",
        "working_hours": [],
        "working_hours_enabled": False,
        "csat_survey_enabled": False,
        "greeting_enabled": False,
    }
    # A website inbox has no client API; neither has an unknown identifier.
    assert APIClient().get(base(world.inbox)).status_code == 404
    assert APIClient().get("/public/api/v1/inboxes/nope").status_code == 404
