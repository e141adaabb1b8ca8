"""Sending events after the transaction commits, once, to their streams."""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from realtime.delivery.broadcast import MessageTooLarge, broadcast, control

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    data: dict[str, Any]
    streams: list[str]
    exclude: str | None = None
    only: str | None = None  # one subscriber (a user's own notifications)


# While set, events go here instead of to the channel layer (see captured_events()).
_capture: list["Event"] | None = None


@contextmanager
def captured_events() -> Iterator[list[Event]]:
    """Collect the events sent inside the block instead of broadcasting them.

    For generating the reference docs from real events; delivery has its own tests.
    """
    global _capture
    events: list[Event] = []
    previous, _capture = _capture, events
    try:
        yield events
    finally:
        _capture = previous


def send_after_commit(build: Callable[[], Iterable[Event]]) -> None:
    """Build and send events when the current transaction commits (at once outside one).

    A rolled-back change sends nothing. Payloads are built at commit, from committed rows, so
    an event shows the state its subscribers can fetch.
    """
    after_commit(_send, build)


def control_after_commit(
    streams: list[str], message: dict[str, Any], *, only: str | None = None
) -> None:
    after_commit(_control, streams, message, only)


def after_commit(function: Callable[..., None], *args: Any) -> None:
    """Run ``function(*args)`` once the current transaction commits; a failure is logged.

    A named function, not a ``functools.partial``: Django's robust ``on_commit`` logs a
    failure with ``func.__qualname__``, which a partial lacks, so the logging itself raised.
    """

    def run() -> None:
        function(*args)

    run.__qualname__ = getattr(function, "__qualname__", run.__qualname__)
    transaction.on_commit(run, robust=True)


def _send(build: Callable[[], Iterable[Event]]) -> None:
    try:
        events = list(build())
    except Exception:
        logger.exception("events: building events failed; they were not sent")
        return
    if _capture is not None:
        _capture.extend(events)
        return
    for event in events:
        try:
            broadcast(
                event.streams,
                {"event": event.name, "data": event.data},
                exclude=event.exclude,
                only=event.only,
            )
        except MessageTooLarge as exc:
            logger.error("events: %s was lost: %s", event.name, exc)
        except Exception:
            # Never silent: a broadcast the channel layer refused is reported as lost.
            logger.exception("events: %s to %d streams was lost", event.name, len(event.streams))


def _control(streams: list[str], message: dict[str, Any], only: str | None) -> None:
    try:
        control(streams, message, only=only)
    except Exception:
        logger.exception(
            "events: control %s to %d streams was lost", message.get("op"), len(streams)
        )
