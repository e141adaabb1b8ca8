"""
Every JSON write path, fuzzed with hostile values (Hypothesis, bounded) against a real server:
no answer is a 500 (or any 5xx), and afterwards delivery still works for everyone.

Hostile: lone surrogates, NUL, integers past 64 bits, deep and wide nesting, wrong types,
unknown keys, huge strings; sent as the raw JSON a client would send.
"""

import json
import urllib.error
from urllib.request import Request, urlopen

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations import streams
from realtime.delivery.broadcast import abroadcast

from .audience import agent_identifier
from .live import SocketClient

pytestmark = [pytest.mark.server, pytest.mark.redis]


class RawBody(str):
    """A body sent as it is, not JSON-encoded."""


hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\ud800", "a\x00b", "\udfff\ud800", "²", "9" * 40, "", " ", "null"]),
    st.text(alphabet=st.characters(codec="utf-16", exclude_categories=()), max_size=10),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=10,
)
FIELDS = [
    "content",
    "name",
    "email",
    "phone_number",
    "identifier",
    "custom_attributes",
    "additional_attributes",
    "content_attributes",
    "message_type",
    "private",
    "echo_id",
    "status",
    "snoozed_until",
    "priority",
    "labels",
    "assignee_id",
    "team_id",
    "inbox_id",
    "contact_id",
    "source_id",
    "typing_status",
    "is_private",
    "title",
    "color",
    "blocked",
    "message",
    "base_contact_id",
    "mergee_contact_id",
    "availability",
    "account_id",
]
# Sent in every field of every path (over a body the path accepts).
NASTY = [10**20, "\ud800", {"k": "a\x00b"}, "²"]

bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=6),
    values,
    st.just(RawBody("[" * 5000 + "]" * 5000)),  # deep nesting, sent as is
)


FUZZ_CLIENT = "203.0.113.250"


def send(server, method: str, path: str, body, credentials: dict[str, str]) -> int:
    data = body if isinstance(body, RawBody) else json.dumps(body)  # ASCII escapes: valid JSON
    headers = {"Content-Type": "application/json", "X-Forwarded-For": FUZZ_CLIENT}
    headers.update(credentials)
    request = Request(
        f"http://127.0.0.1:{server.port}{path}", data=data.encode(), headers=headers, method=method
    )
    try:
        with urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def write_paths(world):
    account = f"/api/v1/accounts/{world.account.id}"
    conversation = f"{account}/conversations/{world.conversation.display_id}"
    from conversations.models import Label, Message

    Label.objects.create(account=world.account, title="vip")
    message = Message.objects.create(
        conversation=world.conversation, content="hi", message_type=Message.MessageType.OUTGOING
    )
    root = f"/public/api/v1/inboxes/{world.other_inbox.identifier}"
    from conversations.models import ContactInbox, Conversation

    session = ContactInbox.objects.create(contact=world.session.contact, inbox=world.other_inbox)
    public_conversation = Conversation.objects.create(
        account=world.account,
        inbox=world.other_inbox,
        contact=session.contact,
        contact_inbox=session,
    )
    public = f"{root}/contacts/{session.source_id}"
    public_conv = f"{public}/conversations/{public_conversation.display_id}"
    # Each path with a body it accepts, so one hostile field at a time gets past the others.
    contact_id = world.session.contact_id
    agent = [
        (
            "POST",
            f"{account}/conversations",
            {"inbox_id": world.inbox.id, "contact_id": contact_id},
        ),
        ("PATCH", conversation, {"priority": "high"}),
        ("POST", f"{conversation}/messages", {"content": "x"}),
        ("PATCH", f"{conversation}/messages/{message.id}", {"content": "y"}),
        ("POST", f"{conversation}/toggle_status", {"status": "open"}),
        ("POST", f"{conversation}/toggle_priority", {"priority": "low"}),
        ("POST", f"{conversation}/assignments", {"assignee_id": world.agent.id}),
        ("POST", f"{conversation}/toggle_typing_status", {"typing_status": "on"}),
        ("POST", f"{conversation}/labels", {"labels": ["vip"]}),
        ("POST", f"{account}/contacts", {"name": "x"}),
        ("PATCH", f"{account}/contacts/{contact_id}", {"name": "y"}),
        ("POST", f"{account}/contacts/{contact_id}/labels", {"labels": ["vip"]}),
        ("POST", f"{account}/labels", {"title": "t"}),
        ("POST", f"{account}/actions/contact_merge", {"base_contact_id": contact_id}),
        ("POST", "/api/v1/profile/availability", {"account_id": world.account.id}),
        ("POST", f"{account}/conversations/filter", {"payload": [FILTER]}),
        ("POST", f"{account}/contacts/filter", {"payload": [CONTACT_FILTER]}),
        ("POST", f"{account}/inboxes", {"name": "n", "channel": {"type": "api"}}),
        ("PATCH", f"{account}/inboxes/{world.inbox.id}", {"name": "m"}),
        ("POST", f"{conversation}/participants", {"user_ids": [world.agent.id]}),
        ("POST", f"{account}/inbox_members", {"inbox_id": world.inbox.id, "user_ids": []}),
        ("POST", f"{account}/teams", {"name": "t"}),
        ("POST", f"{account}/agents", {"name": "a", "email": "a@b.test", "role": "agent"}),
    ]
    contact = [
        ("POST", f"{root}/contacts", {"name": "v"}),
        ("PATCH", public, {"name": "w"}),
        ("POST", f"{public}/conversations", {}),
        ("POST", f"{public_conv}/messages", {"content": "hi"}),
        ("POST", f"{public_conv}/toggle_typing", {"typing_status": "on"}),
        ("PATCH", f"{public_conv}/messages/{message.id}", {"submitted_values": []}),
    ]
    query = f"?website_token={world.inbox.website_token}"
    widget_base = "/api/v1/widget/"
    visitor = [
        ("POST", f"{widget_base}config{query}", {}),
        ("PATCH", f"{widget_base}contact{query}", {"name": "v"}),
        ("PATCH", f"{widget_base}contact/set_user{query}", {"identifier": "i"}),
        ("POST", f"{widget_base}conversations{query}", {"message": {"content": "c"}}),
        ("POST", f"{widget_base}messages{query}", {"message": {"content": "m"}}),
        ("POST", f"{widget_base}conversations/toggle_typing{query}", {"typing_status": "on"}),
        (
            "POST",
            f"{widget_base}conversations/set_custom_attributes{query}",
            {"custom_attributes": {}},
        ),
    ]
    return agent, contact, visitor


FILTER = {"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"]}
CONTACT_FILTER = {"attribute_key": "name", "filter_operator": "contains", "values": ["a"]}


# Some forty paths, every field with every nasty value on each, then Hypothesis.
@pytest.mark.timeout(360)
async def test_no_hostile_body_on_any_write_path_is_a_5xx(world, live_server_factory, write_paths):
    from asgiref.sync import sync_to_async

    # Thousands of client-API requests: the rate limits must not answer them all 429, and
    # they come from an address of their own (forwarded by a trusted 127.0.0.1), so the
    # shared counters of 127.0.0.1 stay as the tests after this one expect.
    from django.conf import settings as django_settings

    from conversations import widget

    server = live_server_factory(
        # The visitor's token is signed here and checked there: one key.
        SECRET_KEY=django_settings.SECRET_KEY,
        PUBLIC_API_RATE_PER_ADDRESS="1000000/min",
        PUBLIC_API_RATE_PER_SESSION="1000000/min",
        TRUSTED_PROXIES="127.0.0.1",
    )
    agent_paths, contact_paths, visitor_paths = write_paths
    token = world.admin.agent.access_token
    visitor_session = await sync_to_async(world.session.__class__.objects.create)(
        contact=world.session.contact, inbox=world.inbox
    )
    visitor_token = widget.session_token(visitor_session)
    failures: list[tuple[str, str, str, int]] = []

    @settings(
        max_examples=8,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(body=bodies)
    def fuzz(method: str, path: str, credentials: dict[str, str], body) -> None:
        status = send(server, method, path, body, credentials)
        if status >= 500:
            failures.append((method, path, repr(body)[:200], status))

    def run_all() -> None:
        for paths, who in (
            (agent_paths, {"api_access_token": token}),
            (contact_paths, {}),
            (visitor_paths, {"X-Auth-Token": visitor_token}),
        ):
            for method, path, base in paths:
                # Every field with every nasty value, over a body the path accepts...
                for field in FIELDS:
                    for nasty in NASTY:
                        status = send(server, method, path, {**base, field: nasty}, who)
                        if status >= 500:
                            failures.append((method, path, f"{field}={nasty!r}", status))
                # ...then whatever Hypothesis makes of it.
                fuzz(method, path, who)

    await sync_to_async(run_all, thread_sensitive=False)()
    assert not failures, failures[:5]

    # And the server still delivers: an agent subscribes and hears a broadcast.
    client = await SocketClient.connect(server.url)
    assert await client.subscribe(agent_identifier(world.agent, world.account)) == (
        "confirm_subscription"
    )
    await abroadcast([streams.inbox_agents(world.inbox.id)], {"event": "after-fuzz", "data": {}})
    frame = await client.receive(lambda f: (f.get("message") or {}).get("event") == "after-fuzz")
    assert frame["message"]["event"] == "after-fuzz"
    assert "Traceback" not in server.output(), server.output()
    await client.close()
