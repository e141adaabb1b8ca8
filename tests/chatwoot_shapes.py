"""
Chatwoot 4.10's payload shapes, field by field with the JSON type a client reads.

Written from Chatwoot's presenters at upstream ``e13e3c8`` (``Conversations::EventDataPresenter``,
``Message#push_event_data``, ``Contact``/``User#push_event_data``, ``ActionCableListener``) as
summarised in ``shared/chatwoot/realtime-and-domain.md`` §3. The 2021 samples in
``spec/websocket_events.json`` are the floor; these are what today's dashboard and widget read.

Types: ``int``, ``float`` (an int is a float too), ``str``, ``bool``, ``object`` (free-form),
``iso`` (an ISO-8601 UTC time with milliseconds), ``[T]`` (a list of T), a shape name, and
``T|null``. A key starting with ``?`` may be absent.

CarbonChat's deliberate differences: ``contact_inbox`` never carries ``pubsub_token`` (Chatwoot
sends the contact's socket token to every agent); a contact's ``pubsub_token`` key (from the
2021 samples) is always null.
"""

import re
from typing import Any

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

SHAPES: dict[str, dict[str, str]] = {
    "contact": {
        "additional_attributes": "object",
        "custom_attributes": "object",
        "email": "str|null",
        "id": "int",
        "identifier": "str|null",
        "name": "str",
        "phone_number": "str|null",
        "thumbnail": "str",
        "blocked": "bool",
        "type": "str",
        "pubsub_token": "null",
    },
    "user": {
        "id": "int",
        "name": "str",
        "available_name": "str",
        "avatar_url": "str",
        "type": "str",
        "availability_status": "str|null",
        "thumbnail": "str",
    },
    "team": {"id": "int", "name": "str"},
    # api/v1/models/_agent (REST: agents list, the assignment answer); the last three are
    # CarbonChat's additions, which Chatwoot's user view has.
    "agent": {
        "id": "int",
        "account_id": "int",
        "availability_status": "str|null",
        "auto_offline": "bool",
        "confirmed": "bool",
        "email": "str",
        "provider": "str",
        "available_name": "str",
        "name": "str",
        "role": "str",
        "thumbnail": "str",
        "?display_name": "str",
        "?avatar_url": "str",
        "?type": "str",
    },
    "contact_inbox": {
        "id": "int",
        "contact_id": "int",
        "inbox_id": "int",
        "source_id": "str",
        "created_at": "iso",
        "updated_at": "iso",
        "hmac_verified": "bool",
    },
    "conversation_meta": {
        "sender": "contact",
        "assignee": "user|null",
        "assignee_type": "str|null",
        "team": "team|null",
        "hmac_verified": "bool",
    },
    "conversation": {
        "additional_attributes": "object",
        "can_reply": "bool",
        "channel": "str",
        "contact_inbox": "contact_inbox",
        "id": "int",
        "inbox_id": "int",
        "messages": "[message]",
        "labels": "[str]",
        "meta": "conversation_meta",
        "status": "str",
        "custom_attributes": "object",
        "snoozed_until": "iso|null",
        "unread_count": "int",
        "first_reply_created_at": "iso|null",
        "priority": "str|null",
        "waiting_since": "int",
        "agent_last_seen_at": "int",
        "contact_last_seen_at": "int",
        "last_activity_at": "int",
        "timestamp": "int",
        "created_at": "int",
        "updated_at": "float",
        "?account_id": "int",
    },
    "message_conversation": {
        "assignee_id": "int|null",
        "unread_count": "int",
        "last_activity_at": "int",
        "contact_inbox": "message_contact_inbox",
    },
    "message_contact_inbox": {"source_id": "str"},
    "message": {
        "id": "int",
        "content": "str|null",
        "account_id": "int",
        "inbox_id": "int",
        "conversation_id": "int",
        "message_type": "int",
        "created_at": "int",
        "updated_at": "iso",
        "private": "bool",
        "status": "str",
        "source_id": "str|null",
        "content_type": "str",
        "content_attributes": "object",
        "sender_type": "str|null",
        "sender_id": "int|null",
        "external_source_ids": "object",
        "additional_attributes": "object",
        "processed_message_content": "str|null",
        "sentiment": "object",
        "conversation": "message_conversation",
        "?sender": "sender",
        "?echo_id": "str",
        "?attachments": "[object]",
        "?previous_changes": "object",
    },
    "typing": {
        "conversation": "conversation",
        "user": "sender",
        "is_private": "bool",
        "account_id": "int",
    },
    "cache_invalidated": {"cache_keys": "cache_keys", "account_id": "int"},
    "notification": {
        "id": "int",
        "notification_type": "str",
        "primary_actor_type": "str",
        "primary_actor_id": "int",
        "primary_actor": "conversation",
        "read_at": "iso|null",
        "secondary_actor": "user|null",
        "user": "user",
        "created_at": "int",
        "last_activity_at": "int",
        "snoozed_until": "iso|null",
        "meta": "object",
        "account_id": "int",
        "push_message_title": "str",
        "push_message_body": "str",
    },
    "notification_event": {
        "notification": "notification",
        "unread_count": "int",
        "count": "int",
        "account_id": "int",
    },
    "cache_keys": {"label": "str", "inbox": "str", "team": "str"},
}

# The shape each event's data has.
EVENTS = {
    "conversation.created": "conversation",
    "conversation.updated": "conversation",
    "conversation.status_changed": "conversation",
    "conversation.read": "conversation",
    "conversation.contact_changed": "conversation",
    "assignee.changed": "conversation",
    "team.changed": "conversation",
    "message.created": "message",
    "message.updated": "message",
    "first.reply.created": "message",
    "conversation.typing_on": "typing",
    "conversation.typing_off": "typing",
    "contact.created": "contact",
    "contact.updated": "contact",
    "contact.deleted": "contact",
    "account.cache_invalidated": "cache_invalidated",
    "conversation.mentioned": "conversation",
    "notification.created": "notification_event",
    "notification.updated": "notification_event",
}

# Top-level keys every event's data has besides its shape's.
EVENT_KEYS = {"account_id"}


def shape_keys(shape: str) -> set[str]:
    return {key.lstrip("?") for key in SHAPES[shape]}


def assert_shape(value: Any, kind: str, path: str = "data") -> None:
    """``value`` has exactly the fields of ``kind`` (optional ones may be absent), each typed."""
    for alternative in kind.split("|"):
        if not _matches(value, alternative):
            continue
        if alternative == "sender":
            _assert_object(value, value["type"], path)
        elif alternative in SHAPES:
            _assert_object(value, alternative, path)
        elif alternative.startswith("["):
            for n, item in enumerate(value):
                assert_shape(item, alternative[1:-1], f"{path}[{n}]")
        return
    raise AssertionError(f"{path}: expected {kind}, got {value!r}")


def assert_event(event: str, data: Any) -> None:
    """The data of ``event`` as Chatwoot 4.10 sends it, field for field and type for type."""
    assert_shape(data, EVENTS[event])
    assert isinstance(data.get("account_id"), int), "every payload carries account_id"


def _assert_object(value: dict[str, Any], shape: str, path: str) -> None:
    fields = SHAPES[shape]
    extra = set(value) - shape_keys(shape) - (EVENT_KEYS if path == "data" else set())
    assert not extra, f"{path}: keys Chatwoot does not send: {sorted(extra)}"
    for key, kind in fields.items():
        name = key.lstrip("?")
        if name not in value:
            assert key.startswith("?"), f"{path}: missing {name!r}"
            continue
        assert_shape(value[name], kind, f"{path}.{name}")


def _matches(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind == "sender":
        return isinstance(value, dict) and value.get("type") in {"user", "contact"}
    if kind in SHAPES:
        return isinstance(value, dict)
    if kind.startswith("["):
        return isinstance(value, list) and all(_matches(v, kind[1:-1]) for v in value)
    return {
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "str": lambda v: isinstance(v, str),
        "bool": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, dict),
        "iso": lambda v: isinstance(v, str) and bool(ISO_MS.match(v)),
    }[kind](value)
