"""
The base class of cable channels: one instance is one subscription of one connection.

A project subclasses ``Channel`` (CarbonChat's ``RoomChannel``), registers it by name in
``REALTIME["CHANNELS"]``, and overrides a few hooks:

* ``subscribed()``: authorise from ``self.params`` (the parsed identifier); call
  ``stream_from()`` for each stream to receive, or ``reject()``. Rejecting is the default.
* ``confirmed()``: runs once the client has its ``confirm_subscription``; transmit here.
* ``unsubscribed()``: clean-up after the client unsubscribes or disconnects.
* methods decorated with ``@action``: the ``perform`` actions clients may call.
* ``control(message)``: a server-side control message arrived on one of the streams
  (for example "your permissions changed"); the default ignores it.

``subscriber_key`` names who is behind the subscription (``"user.5"``) so that a broadcast can
skip its originator (a typist does not see their own typing).
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, ClassVar

from realtime import protocol
from realtime.server import metrics

# A message's place in its stream's history: (epoch, offset).
Position = tuple[str, int]

if TYPE_CHECKING:
    from realtime.server.connection import CableConnection

ActionHandler = Callable[["Channel", dict[str, Any]], Awaitable[None]]


def action(method: ActionHandler) -> ActionHandler:
    """Mark a channel method as an action clients may ``perform``."""
    method._cable_action = True  # type: ignore[attr-defined]
    return method


class UnknownAction(LookupError):
    pass


class Channel:
    name: ClassVar[str] = ""
    actions: ClassVar[dict[str, ActionHandler]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("name"):
            cls.name = cls.__name__
        actions = dict(cls.actions)
        for attr, value in vars(cls).items():
            if getattr(value, "_cable_action", False):
                actions[attr] = value
        cls.actions = actions

    def __init__(self, connection: "CableConnection", identifier: str, params: dict[str, Any]):
        self.connection = connection
        self.identifier = identifier
        self.params = params
        self.frame_prefix = protocol.broadcast_prefix(identifier)
        self.frame_prefix_bytes = self.frame_prefix.encode()
        self.streams: set[str] = set()
        self.subscriber_key: str | None = None
        self.rejected = False
        # While history is replayed, live broadcasts wait here: (stream, position, frame).
        self.held: list[tuple[str, Position | None, str]] | None = None
        self.replaying = False
        # Highest position per stream already sent by a history replay: live copies at or
        # before it, in the same epoch, are skipped. (Another epoch means the history store
        # restarted its offsets: nothing of it was replayed.)
        self.replayed: dict[str, Position] = {}

    def already_replayed(self, stream: str, position: "Position | None") -> bool:
        """Whether a history replay of this subscription already sent ``position``."""
        if position is None:
            return False
        replayed = self.replayed.get(stream)
        return replayed is not None and replayed[0] == position[0] and position[1] <= replayed[1]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} streams={sorted(self.streams)}>"

    # Hooks ---------------------------------------------------------------------------------

    async def subscribed(self) -> None:
        self.reject()

    async def confirmed(self) -> None:
        """Called after ``confirm_subscription`` was sent: transmit welcome data here."""
        return None

    async def unsubscribed(self) -> None:
        return None

    async def control(self, message: dict[str, Any]) -> None:
        return None

    # API for subclasses --------------------------------------------------------------------

    def reject(self) -> None:
        self.rejected = True

    async def stream_from(self, stream: str) -> None:
        if stream not in self.streams:
            self.streams.add(stream)
            await self.connection.hub.join(stream, self)

    async def stop_stream_from(self, stream: str) -> None:
        if stream in self.streams:
            self.streams.discard(stream)
            await self.connection.hub.leave(stream, self)

    async def stop_all_streams(self) -> None:
        for stream in list(self.streams):
            await self.stop_stream_from(stream)

    async def transmit(self, message: Any) -> None:
        """Send ``message`` to this subscription only."""
        await self.transmit_encoded(protocol.dumps(message))

    async def transmit_encoded(self, payload: str) -> None:
        """Send an already-encoded JSON ``payload`` to this subscription only."""
        await self.connection.send_text(protocol.broadcast_frame(self.frame_prefix, payload))
        if not self.connection.closed:
            metrics.DELIVERIES.inc()

    async def perform(self, name: str, data: dict[str, Any]) -> None:
        handler = self.actions.get(name)
        if handler is None:
            raise UnknownAction(name)
        await handler(self, data)
