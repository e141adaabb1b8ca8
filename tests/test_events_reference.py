"""
Writes ``docs/events.md`` from events the code really produces, and fails when the file drifts.

Regenerate after changing an event: ``UPDATE_DOCS=1 scripts/test tests/test_events_reference.py``.
"""

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from conversations.events.publish import Event, captured_events
from conversations.models import AccountUser, Message
from conversations.services import contacts as contact_services
from conversations.services import conversations as conversation_services
from conversations.services import labels as label_services
from conversations.services import messages as message_services

from . import factories as f

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "events.md"

# The hand-written part of docs/events.md; the events below it are generated.
HEADER = (Path(__file__).parent / "events_reference_header.md").read_text()

TRIGGERS = {
    "contact.created": "a contact is created (client API, application API, admin, shell)",
    "conversation.created": "a conversation is created",
    "message.created": "a message is created",
    "conversation.typing_on": "`toggle_typing_status` / `toggle_typing` with `on`",
    "conversation.typing_off": "`toggle_typing_status` / `toggle_typing` with `off`",
    "assignee.changed": "the conversation's assignee changes (also sends `conversation.updated`)",
    "conversation.updated": "status, assignee, team, priority, snooze time, labels, waiting "
    "time, first reply, custom or additional attributes change",
    "team.changed": "the conversation's team changes (also sends `conversation.updated`)",
    "conversation.status_changed": "the status changes (also sends `conversation.updated`)",
    "conversation.read": "the contact reads the conversation (`update_last_seen` of the client "
    "API); the agents' messages it has now seen flip to `read`, each a `message.updated`",
    "message.updated": "a message's content, attributes, status or privacy changes; a deleted "
    "message is soft-deleted (content replaced, `content_attributes.deleted: true`)",
    "contact.updated": "a contact's fields change, or another contact is merged into it",
    "conversation.contact_changed": "the conversation moves to another contact (contact merge)",
    "contact.deleted": "a contact is deleted (also the mergee of a merge)",
    "first.reply.created": "an agent's first public reply in the conversation (it also ends "
    "the wait: `waiting_since` becomes 0, a `conversation.updated`)",
    "account.cache_invalidated": "the account's labels, inboxes, teams or their members change; "
    "the dashboard compares `cache_keys` with its cached lists",
    "conversation.mentioned": "a private note mentions the agent (`mention://user/<id>/<name>`); "
    "to that agent only",
    "notification.created": "an agent is notified (mentioned, assigned by someone else, a new "
    "message in a conversation assigned to it); to that agent only, with its counts",
}

BROWSER = {
    "browser": {
        "device_name": "Unknown",
        "browser_name": "Chrome",
        "platform_name": "macOS",
        "browser_version": "92.0.4515.107",
        "platform_version": "10.15.7",
    },
    "referer": "http://localhost:3000/widget_tests",
    "initiated_at": {"timestamp": "Fri Jul 23 2021 22:43:14 GMT+0530 (India Standard Time)"},
}


def scenario(clock) -> list[Event]:
    account = f.make_account(name="Acme")
    inbox = f.make_inbox(account, name="Website")
    agent = f.make_agent(account, inboxes=[inbox], name="John", email="john@acme.inc")
    # Not connected here; with auto_offline off his chosen "online" shows, as in the samples.
    membership = AccountUser.objects.get(user=agent)
    membership.auto_offline = False
    membership.save()
    admin = f.make_agent(account, role="administrator", name="Ada", email="ada@acme.inc")
    team = f.make_team(account, name="Billing")
    with captured_events() as events:
        contact = contact_services.contact_create(account=account, name="white-shadow-394")
        session = contact_services.contact_session_create(
            contact=contact, inbox=inbox, source_id="4f5c785e-abba-4527-82a9-bbdb2117c167"
        )
        clock.shift(timedelta(seconds=20))
        conversation = conversation_services.conversation_create(
            inbox=inbox, contact_inbox=session, additional_attributes=BROWSER
        )
        clock.shift(timedelta(seconds=1))
        message_services.message_create(
            conversation=conversation,
            content="hi",
            message_type=Message.MessageType.INCOMING,
            sender=contact,
        )
        conversation_services.conversation_toggle_typing(
            conversation=conversation, typist=contact, on=True
        )
        conversation_services.conversation_toggle_typing(
            conversation=conversation, typist=contact, on=False
        )
        clock.shift(timedelta(seconds=30))
        conversation_services.conversation_assign(conversation=conversation, assignee=agent)
        conversation_services.conversation_assign(conversation=conversation, team=team)
        conversation_services.conversation_toggle_status(
            conversation=conversation, status="pending"
        )
        clock.shift(timedelta(seconds=10))
        label = label_services.label_create(account=account, title="billing")
        conversation_services.conversation_labels_set(
            conversation=conversation, labels=[label], actor=agent
        )
        conversation_services.conversation_toggle_priority(
            conversation=conversation, priority="high", actor=agent
        )
        message_services.message_create(
            conversation=conversation,
            content=f"Please check mention://user/{agent.id}/John",
            message_type=Message.MessageType.OUTGOING,
            sender=admin,
            private=True,
        )
        clock.shift(timedelta(seconds=20))
        message_services.message_create(
            conversation=conversation,
            content="helllo",
            message_type=Message.MessageType.OUTGOING,
            sender=agent,
            echo_id="7c2d3e1a",
        )
        clock.shift(timedelta(seconds=11))
        conversation_services.conversation_mark_seen_by_contact(conversation=conversation)
        template = message_services.message_create(
            conversation=conversation,
            content="Get notified by email",
            message_type=Message.MessageType.TEMPLATE,
            content_type="input_email",
        )
        clock.shift(timedelta(seconds=5))
        message_services.message_update(
            message=template, content_attributes={"submitted_email": "jane@acme.inc"}
        )
        contact_services.contact_update(contact=contact, email="jane@acme.inc", name="jane")
        duplicate = contact_services.contact_create(
            account=account, name="Jane (duplicate)", phone_number="+4712345678"
        )
        contact_services.contact_merge(base=duplicate, mergee=contact)
    return events


def render(events: list[Event]) -> str:
    first: dict[str, Event] = {}
    for event in events:
        first.setdefault(event.name, event)
    parts = [HEADER, "## Events\n"]
    for name, event in first.items():
        sample = json.dumps({"event": name, "data": event.data}, indent=2, ensure_ascii=False)
        streams = ", ".join(f"`{s}`" for s in event.streams)
        excluded = f" — except subscriber `{event.exclude}`" if event.exclude else ""
        if event.only:
            excluded = f" — subscriber `{event.only}` only"
        parts.append(
            f"### `{name}`\n\n"
            f"- Trigger: {TRIGGERS[name]}.\n"
            f"- Sent to (in this sample): {streams}{excluded}.\n\n"
            f"```json\n{sample}\n```\n"
        )
    return "\n".join(parts)


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_docs_events_md_matches_the_events_the_code_sends():
    start = datetime(2021, 7, 23, 17, 8, 53, 771000, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        events = scenario(clock)
    # Every event the catalogue can send is shown (presence.update has its own document).
    assert {e.name for e in events} == set(TRIGGERS)
    text = render(events)
    if os.environ.get("UPDATE_DOCS"):
        REFERENCE.write_text(text)
    assert REFERENCE.exists(), "run UPDATE_DOCS=1 scripts/test tests/test_events_reference.py"
    assert REFERENCE.read_text() == text, (
        "docs/events.md is out of date: UPDATE_DOCS=1 scripts/test tests/test_events_reference.py"
    )
