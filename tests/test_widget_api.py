"""The website widget's API (``/api/v1/widget/…``) as Chatwoot's widget calls it: a session
from ``config``, its conversation and messages, typing, reads, the visitor's identity proven
by HMAC, and the refusals (401, 403, 404) that keep one visitor out of another's data."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from conversations import widget
from conversations.models import Contact, ContactInbox, Conversation, Message

from . import factories as f
from .audience import contact_identifier

WIDGET = "/api/v1/widget/"


class Visitor:
    """A browser with the widget: its website token, and the session token config gave it."""

    def __init__(self, inbox, token: str | None = None) -> None:
        self.inbox = inbox
        self.client = APIClient()
        self.token = token

    def call(self, method: str, path: str, body=None, token: str | None = None, **kw):
        headers = {}
        if (token or self.token) is not None:
            headers["HTTP_X_AUTH_TOKEN"] = token or self.token
        query = f"{'&' if '?' in path else '?'}website_token={self.inbox.website_token}"
        return getattr(self.client, method)(
            WIDGET + path + query, body, format=kw.pop("format", "json"), **headers, **kw
        )

    def config(self):
        response = self.call("post", "config")
        assert response.status_code == 200, response.content
        body = response.json()
        self.token = body["website_channel_config"]["auth_token"]
        return body

    def session(self) -> ContactInbox:
        return widget.session_from_token(self.token, inbox=self.inbox)


@pytest.fixture
def visitor(world):
    return Visitor(world.inbox)


def test_config_makes_a_session_once_and_names_it_by_token(world, visitor):
    first = visitor.config()
    contact = first["contact"]
    session = visitor.session()
    assert contact["pubsub_token"] == session.pubsub_token  # the visitor's own
    assert contact["id"] == session.contact_id and contact["name"]
    channel = first["website_channel_config"]
    assert (channel["website_token"], channel["widget_color"]) == (
        world.inbox.website_token,
        "#1f93ff",
    )
    again = visitor.config()
    assert again["contact"]["id"] == contact["id"]  # the same visitor on the next page
    assert ContactInbox.objects.filter(inbox=world.inbox).count() == 2  # world's + this one


def test_bad_tokens_are_401_and_an_unknown_website_token_404(world, visitor, settings):
    visitor.config()
    good = visitor.token
    other = f.make_inbox(world.account, name="Other site")
    assert Visitor(other).call("get", "conversations", token=good).status_code == 401
    forged = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    assert visitor.call("get", "conversations", token=forged).status_code == 401
    assert visitor.call("get", "contact", token="nonsense").status_code == 401
    anonymous = Visitor(world.inbox)
    assert anonymous.call("get", "conversations").status_code == 401
    settings.CARBONCHAT = {**settings.CARBONCHAT, "WIDGET_TOKEN_DAYS": 0}
    assert visitor.call("get", "contact").status_code == 401  # expired
    api_inbox = world.other_inbox  # an API inbox has no widget
    assert APIClient().post(f"{WIDGET}config?website_token=nope").status_code == 404
    assert (
        APIClient().post(f"{WIDGET}config?website_token={api_inbox.website_token}").status_code
        == 404
    )


async def test_a_visitor_converses_with_the_agents(world, visitor, audience):
    await sync_to_async(visitor.config)()
    await audience.expect(["agent", "admin"], "contact.created")  # a new visitor
    session = await sync_to_async(visitor.session)()
    await audience.add("visitor", contact_identifier(session))
    call = sync_to_async(visitor.call)
    assert (await call("get", "conversations")).json() == {}
    sent = await call("post", "messages", {"message": {"content": "Hi!", "echo_id": "w-1"}})
    assert sent.status_code == 200, sent.json()
    assert sent.json()["content"] == "Hi!" and sent.json()["message_type"] == 0
    await audience.expect(["agent", "admin", "visitor"], "conversation.created")
    created = await audience.expect(["agent", "admin", "visitor"], "message.created")
    assert created["echo_id"] == "w-1"
    conversation = (await call("get", "conversations")).json()
    assert conversation["status"] == "open" and conversation["inbox_id"] == world.inbox.id
    # The agent answers; the visitor hears it and can page it in after a reconnect.
    model = await Conversation.objects.select_related("contact_inbox").aget(
        inbox=world.inbox, display_id=conversation["id"]
    )
    reply = await sync_to_async(f.make_message)(
        model, content="Hello!", message_type=Message.MessageType.OUTGOING, sender_user=world.agent
    )
    note = await sync_to_async(f.make_message)(
        model, content="vip", message_type=Message.MessageType.OUTGOING, private=True
    )
    await audience.expect(["visitor"], "message.created")  # the reply, never the note
    for _ in (reply, note):
        await audience.expect(["agent", "admin"], "message.created")
    after = (await call("get", f"messages?after={created['id']}")).json()
    assert [m["content"] for m in after["payload"]] == ["Hello!"]
    assert after["payload"][0]["sender"]["type"] == "user"
    assert note.id not in {m["id"] for m in (await call("get", "messages")).json()["payload"]}
    assert reply.id in {m["id"] for m in (await call("get", "messages")).json()["payload"]}
    # Typing and reading.
    await call("post", "conversations/toggle_typing", {"typing_status": "on"})
    typing = await audience.expect(["agent", "admin"], "conversation.typing_on")
    assert typing["conversation"]["id"] == conversation["id"]
    await call("post", "conversations/update_last_seen")
    await audience.expect(["agent", "admin"], "conversation.read")
    # Ending the conversation is the inbox's choice.
    assert (await call("get", "conversations/toggle_status")).status_code == 403
    world.inbox.selected_feature_flags = ["end_conversation"]
    await world.inbox.asave()
    assert (await call("get", "conversations/toggle_status")).status_code == 200
    assert (await Conversation.objects.aget(pk=model.pk)).status == "resolved"
    await audience.silent(["foreign", "foreign_contact", "contact"])


def test_the_widget_starts_a_conversation_with_the_visitors_details(world, visitor):
    visitor.config()
    body = visitor.call(
        "post",
        "conversations",
        {
            "contact": {"name": "Eva", "email": "eva@shop.test"},
            "message": {"content": "Order 42?", "referer_url": "https://shop.test/cart"},
            "custom_attributes": {"plan": "pro"},
        },
        HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9",
    ).json()
    assert [m["content"] for m in body["messages"]] == ["Order 42?"]
    assert body["custom_attributes"] == {"plan": "pro"}
    assert (body["contact"]["name"], body["contact"]["email"]) == ("Eva", "eva@shop.test")
    conversation = Conversation.objects.get(inbox=world.inbox, display_id=body["id"])
    assert conversation.additional_attributes["referer"] == "https://shop.test/cart"
    assert conversation.additional_attributes["browser_language"] == "nb"
    assert visitor.call("get", "contact").json() == {
        "id": body["contact"]["id"],
        "has_email": True,
        "has_name": True,
        "has_phone_number": False,
        "identifier": None,
    }


def test_set_user_proves_identity_by_hmac_and_verified_sessions_share_conversations(world):
    jane = f.make_contact(world.account, name="Jane", identifier="cus_42")
    laptop, phone = Visitor(world.inbox), Visitor(world.inbox)
    laptop.config()
    phone.config()
    proof = widget.identifier_hash(world.inbox, "cus_42")
    wrong = laptop.call(
        "patch", "contact/set_user", {"identifier": "cus_42", "identifier_hash": "0" * 64}
    )
    assert wrong.status_code == 401
    assert not laptop.session().hmac_verified
    for device in (laptop, phone):
        done = device.call(
            "patch", "contact/set_user", {"identifier": "cus_42", "identifier_hash": proof}
        )
        assert done.status_code == 200, done.json()
        assert done.json()["id"] == jane.id  # joined the known customer
        assert device.session().hmac_verified
    laptop.call("post", "messages", {"message": {"content": "from the laptop"}})
    seen = phone.call("get", "messages").json()["payload"]
    assert [m["content"] for m in seen] == ["from the laptop"]
    # An unverified visitor claiming the same identifier is told nothing of Jane's talk.
    stranger = Visitor(world.inbox)
    stranger.config()
    claimed = stranger.call("patch", "contact/set_user", {"identifier": "cus_42"})
    assert claimed.status_code == 200
    assert stranger.call("get", "messages").json()["payload"] == []
    assert stranger.call("get", "conversations").json() == {}


def test_an_inbox_may_require_proof(world, visitor):
    world.inbox.hmac_mandatory = True
    world.inbox.save()
    visitor.config()
    refused = visitor.call(
        "patch", "contact/set_user", {"identifier": "cus_7", "email": "x@y.test"}
    )
    assert refused.status_code == 401
    assert not Contact.objects.filter(identifier="cus_7").exists()


def test_forms_and_email_requests_are_answered(world, visitor):
    visitor.config()
    visitor.call("post", "messages", {"message": {"content": "hello"}})
    conversation = Conversation.objects.get(contact_inbox=visitor.session())
    ask = f.make_message(
        conversation,
        content="Your email?",
        message_type=Message.MessageType.TEMPLATE,
        content_type="input_email",
    )
    answered = visitor.call("patch", f"messages/{ask.id}", {"contact": {"email": "v@shop.test"}})
    assert answered.status_code == 200, answered.json()
    assert answered.json()["contact"]["email"] == "v@shop.test"
    ask.refresh_from_db()
    assert ask.content_attributes["submitted_email"] == "v@shop.test"
    survey = f.make_message(
        conversation,
        content="Rate us",
        message_type=Message.MessageType.TEMPLATE,
        content_type="input_csat",
    )
    rated = visitor.call(
        "patch",
        f"messages/{survey.id}",
        {"message": {"submitted_values": {"csat_survey_response": {"rating": 4}}}},
    )
    assert rated.status_code == 200
    survey.refresh_from_db()
    assert survey.content_attributes["csat_survey_response"]["rating"] == 4
    # Someone else's message is not there at all.
    other = f.make_message(world.conversation, content="x", content_type="input_csat")
    assert visitor.call("patch", f"messages/{other.id}", {"message": {}}).status_code == 404


def test_inbox_members_campaigns_and_cors(world, visitor):
    members = visitor.call("get", "inbox_members").json()["payload"]
    assert [m["id"] for m in members] == [world.agent.id]
    assert set(members[0]) == {"id", "name", "avatar_url", "availability_status"}
    assert visitor.call("get", "campaigns").json() == []
    preflight = APIClient().options(
        f"{WIDGET}messages",
        HTTP_ORIGIN="https://shop.test",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-auth-token",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "x-auth-token" in preflight["Access-Control-Allow-Headers"]
    agent_api = APIClient().options(
        f"/api/v1/accounts/{world.account.id}/conversations",
        HTTP_ORIGIN="https://shop.test",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "Access-Control-Allow-Origin" not in agent_api


def test_a_visitor_sends_a_file(world, visitor, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    visitor.config()
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf")
    sent = visitor.call(
        "post",
        "messages",
        {"message[content]": "see", "message[attachments][]": [upload]},
        format="multipart",
    )
    assert sent.status_code == 200, sent.json()
    assert sent.json()["attachments"][0]["file_type"] == "file"
    assert sent.json()["content"] == "see"


def test_tokens_expire(world, visitor, settings):
    visitor.config()
    import time_machine

    with time_machine.travel(timedelta(days=181), tick=False):
        assert visitor.call("get", "contact").status_code == 401


async def test_events_reach_every_verified_session_of_the_contact_only(world, audience):
    jane = await sync_to_async(f.make_contact)(world.account, name="Jane", identifier="cus_9")
    proof = widget.identifier_hash(world.inbox, "cus_9")
    devices = [Visitor(world.inbox) for _ in range(3)]
    for n, device in enumerate(devices):
        await sync_to_async(device.config)()
        if n < 2:  # laptop and phone prove who they are; the third only claims it
            body = {"identifier": "cus_9", "identifier_hash": proof}
        else:
            body = {"identifier": "cus_9"}
        done = await sync_to_async(device.call)("patch", "contact/set_user", body)
        assert done.json()["id"] == jane.id
        await audience.add(f"device{n}", contact_identifier(await sync_to_async(device.session)()))
    await sync_to_async(devices[0].call)("post", "messages", {"message": {"content": "hi"}})
    await audience.expect(["device0", "device1"], "conversation.created")
    data = await audience.expect(["device0", "device1"], "message.created")
    assert data["content"] == "hi"
    await audience.silent(["device2", "contact", "foreign_contact"])
