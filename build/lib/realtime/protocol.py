"""
The ActionCable wire protocol (``actioncable-v1-json``): frames we send, commands we accept.

Frames the server sends are built here and nowhere else. Broadcast frames are spliced from two
pre-encoded parts (the subscription's identifier and the shared payload) so a message is encoded
once however many sockets it reaches.
"""

import json
from dataclasses import dataclass
from typing import Any

SUBPROTOCOL = "actioncable-v1-json"
# AnyCable's extended protocol: session ids, stream positions, history (resumable delivery).
EXTENDED_SUBPROTOCOL = "actioncable-v1-ext-json"
SUPPORTED_SUBPROTOCOLS = (EXTENDED_SUBPROTOCOL, SUBPROTOCOL)

# Reasons in disconnect frames. The stock client only logs the reason; "reconnect" decides
# whether it tries again.
REASON_UNAUTHORIZED = "unauthorized"
REASON_SERVER_RESTART = "server_restart"
REASON_INVALID_REQUEST = "invalid_request"
REASON_FRAME_TOO_LARGE = "frame_too_large"
REASON_TOO_MANY_COMMANDS = "too_many_commands"
REASON_TOO_SLOW = "too_slow"

COMMANDS = frozenset({"subscribe", "unsubscribe", "message", "history", "pong"})


def dumps(value: Any) -> str:
    """Compact JSON, as ActionCable's server writes it; non-ASCII kept as UTF-8.

    A lone surrogate (``"\ud800"``: valid JSON, which Python's json reads) has no UTF-8 form,
    so such text is written with ASCII escapes instead: still the same JSON to every client,
    and a frame that can be sent. (``isascii()`` is O(1): the check costs nothing on ASCII.)
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=True)
    return text


WELCOME = dumps({"type": "welcome"})


def welcome(*, sid: str | None = None, restored_ids: list[str] | None = None) -> str:
    if sid is None:
        return WELCOME
    frame: dict[str, Any] = {"type": "welcome", "sid": sid}
    if restored_ids is not None:
        frame.update(restored=True, restored_ids=restored_ids)
    return dumps(frame)


def confirm_history(identifier: Any) -> str:
    return dumps({"identifier": identifier, "type": "confirm_history"})


def reject_history(identifier: Any) -> str:
    return dumps({"identifier": identifier, "type": "reject_history"})


def position_suffix(stream: str, epoch: str, offset: int) -> str:
    """What an extended-protocol broadcast frame adds after its message, closing brace included."""
    return f',"stream_id":{dumps(stream)},"epoch":{dumps(epoch)},"offset":{int(offset)}}}'


def ping(now: int) -> str:
    return dumps({"type": "ping", "message": now})


def confirm_subscription(identifier: Any) -> str:
    return dumps({"identifier": identifier, "type": "confirm_subscription"})


def reject_subscription(identifier: Any) -> str:
    return dumps({"identifier": identifier, "type": "reject_subscription"})


def disconnect(reason: str, *, reconnect: bool) -> str:
    return dumps({"type": "disconnect", "reason": reason, "reconnect": reconnect})


def broadcast_prefix(identifier: str) -> str:
    """The part of every broadcast frame for one subscription that precedes the payload."""
    return '{"identifier":' + dumps(identifier) + ',"message":'


def broadcast_frame(prefix: str, payload: str) -> str:
    """``{"identifier": …, "message": <payload>}`` from pre-encoded parts."""
    return prefix + payload + "}"


class ProtocolError(ValueError):
    """A frame that is not a command we can act on; the text says why, for the log."""


@dataclass(frozen=True, slots=True)
class Command:
    command: str
    # Exactly as the client sent it: replies must echo it byte for byte, because the client
    # finds its subscription by string equality (never re-serialise it).
    identifier: Any
    data: Any = None
    # Extended protocol: the positions (or time) to replay from.
    history: Any = None


def parse_command(text: str) -> Command:
    """Parse one client frame. Raises ProtocolError for anything that is not a command."""
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError(f"frame is not JSON: {exc}") from None
    if not isinstance(frame, dict):
        raise ProtocolError("frame is not a JSON object")
    command = frame.get("command")
    if command not in COMMANDS:
        raise ProtocolError(f"unknown command {command!r}")
    return Command(
        command=command,
        identifier=frame.get("identifier"),
        data=frame.get("data"),
        history=frame.get("history"),
    )


def parse_identifier(identifier: Any, *, max_length: int) -> dict[str, Any]:
    """The identifier's parameters. Raises ProtocolError if it is not a JSON object string."""
    if not isinstance(identifier, str):
        raise ProtocolError("identifier is not a string")
    if len(identifier) > max_length:
        raise ProtocolError(f"identifier longer than {max_length} characters")
    try:
        params = json.loads(identifier)
    except (ValueError, RecursionError):
        raise ProtocolError("identifier is not JSON") from None
    if not isinstance(params, dict):
        raise ProtocolError("identifier is not a JSON object")
    if not isinstance(params.get("channel"), str):
        raise ProtocolError("identifier names no channel")
    return params


def parse_data(data: Any) -> dict[str, Any]:
    """The ``data`` of a ``message`` command: a JSON object string with an ``action``."""
    if not isinstance(data, str):
        raise ProtocolError("data is not a string")
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):
        raise ProtocolError("data is not JSON") from None
    if not isinstance(payload, dict):
        raise ProtocolError("data is not a JSON object")
    if not isinstance(payload.get("action"), str):
        raise ProtocolError("data names no action")
    return payload
