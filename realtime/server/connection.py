"""
One WebSocket connection to ``/cable``: handshake, command loop, limits and clean-up.

A plain ASGI application rather than a Channels consumer: a consumer subscribes every socket to
its own channel-layer channel and routes every message through ``dispatch()``; here the hub
delivers to the socket directly and the channel layer is used once per process.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from realtime import daphne, protocol
from realtime.channel import Channel, Position, UnknownAction
from realtime.daphne.backpressure import queued_bytes, transport_of
from realtime.daphne.frame_writer import FrameWriter
from realtime.delivery.history.store import HistoryUnavailable, history_store
from realtime.registry import channel_registry
from realtime.server import metrics, sessions
from realtime.server.hub import SHUTDOWN_GRACE, Hub
from realtime.server.ratelimit import TokenBucket
from realtime.settings import realtime_settings

logger = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]

# Seconds a restored subscription holds live broadcasts waiting for the client's history request.
RESTORE_HOLD = 5.0
Receive = Callable[[], Awaitable[dict[str, Any]]]


def describe(identifier: Any) -> str:
    """An identifier fit for a log line: its channel name only, never its token."""
    try:
        params = protocol.parse_identifier(identifier, max_length=1 << 20)
    except protocol.ProtocolError:
        return "<malformed identifier>"
    return str(params.get("channel"))[:64]


class CableConnection:
    @classmethod
    def as_asgi(cls) -> Callable[[dict[str, Any], Receive, Send], Awaitable[None]]:
        async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
            await cls(scope, send).run(receive)

        return app

    def __init__(self, scope: dict[str, Any], send: Send) -> None:
        self.scope = scope
        self._send = send
        self.hub = Hub.current()
        # identifier string exactly as the client sent it -> its subscription
        self.subscriptions: dict[str, Channel] = {}
        # Let go for not reading (too_slow): what is still sent to it is lost, and counted.
        self.let_go = False
        self.closed = False
        self.finished = asyncio.Event()
        shortcuts = daphne.enabled()
        self._transport = transport_of(send) if shortcuts else None
        self._writer = FrameWriter.of(send) if daphne.enabled("DIRECT_FRAMES") else None
        # Read once: checked after every frame sent (the settings object is a Python lookup).
        self._max_queued = int(realtime_settings.MAX_QUEUED_BYTES)
        # Extended protocol (actioncable-v1-ext-json): positions, history, session restore.
        self.extended = False
        self.sid: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._bucket = TokenBucket(realtime_settings.COMMAND_RATE, realtime_settings.COMMAND_BURST)

    # Lifecycle --------------------------------------------------------------------------------

    async def run(self, receive: Receive) -> None:
        message = await receive()
        if message.get("type") != "websocket.connect":
            return
        if not await self._handshake():
            self.finished.set()
            return
        try:
            while not self.closed:
                message = await receive()
                kind = message.get("type")
                if kind == "websocket.receive":
                    await self._on_frame(message)
                elif kind == "websocket.disconnect":
                    self.closed = True
        except asyncio.CancelledError:
            # daphne cancels every application on graceful shutdown (SIGTERM/SIGINT): tell the
            # client to come back, as Rails does on restart.
            await self.close(protocol.REASON_SERVER_RESTART, reconnect=True)
            # Under daphne (a real socket), stay until the client has the frame and hangs up,
            # or the grace runs out: daphne waits for every application before the reactor
            # stops, and a reactor stopping now drops the frame unsent (clients then wait out
            # their stale timers). Elsewhere (tests' communicators) there is nothing to flush.
            if self._transport is not None:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(SHUTDOWN_GRACE):
                        while (await receive()).get("type") != "websocket.disconnect":
                            pass
            raise
        finally:
            await self._teardown()
            self.finished.set()

    async def _handshake(self) -> bool:
        offered = self.scope.get("subprotocols") or []
        chosen = next((p for p in protocol.SUPPORTED_SUBPROTOCOLS if p in offered), None)
        if offered and chosen is None:
            # The stock client offers actioncable-v1-json; one that offers only protocols we
            # do not speak is refused before the upgrade (HTTP 403), not left to guess.
            logger.info("cable: refused a connection offering only %s", offered[:4])
            await self._send({"type": "websocket.close", "code": 1002})
            return False
        # A client offering no subprotocol at all is the raw-WebSocket example of the public
        # docs: it speaks the same JSON, so it is accepted without a subprotocol header.
        accept: dict[str, Any] = {"type": "websocket.accept"}
        if chosen:
            accept["subprotocol"] = chosen
        self.extended = chosen == protocol.EXTENDED_SUBPROTOCOL and history_store() is not None
        await self._send(accept)
        if not self._origin_allowed():
            logger.info("cable: refused a connection from a disallowed origin")
            await self.close(protocol.REASON_UNAUTHORIZED, reconnect=False)
            return False
        self.hub.attach(self)
        if not self.extended:
            await self.send_text(protocol.WELCOME)
            return True
        self.sid = uuid.uuid4().hex
        restored = await self._restore(sessions.restore_sid(self.scope))
        await self.send_text(protocol.welcome(sid=self.sid, restored_ids=restored))
        for identifier in restored or ():
            await self._confirmed(self.subscriptions[identifier])
        return True

    async def _restore(self, sid: str | None) -> list[str] | None:
        """Re-establish a previous session's subscriptions, each authorised again."""
        fingerprint = sessions.client_fingerprint(self.scope)
        identifiers = await sessions.take(sid, fingerprint=fingerprint) if sid else None
        if not identifiers:
            if sid:
                logger.info("cable: a session restore was refused (unknown, spent or not yours)")
            return None
        restored = []
        loop = asyncio.get_running_loop()
        for identifier in identifiers:
            # Held until the client asks for what it missed (it does right after the welcome),
            # so the missed messages come before the live ones.
            channel = await self._authorized_channel(identifier, hold=True)
            if channel is not None:
                self._hold(identifier, channel)
                restored.append(identifier)
                loop.call_later(RESTORE_HOLD, self._release_later, channel)
        return restored

    def _release_later(self, channel: Channel) -> None:
        """A restored subscription whose client never asked for history: stop holding."""
        if channel.held is not None and not channel.replaying:
            task = asyncio.ensure_future(self._release(channel, {}))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _origin_allowed(self) -> bool:
        allowed = realtime_settings.ALLOWED_ORIGINS
        if not allowed:
            return True
        headers = dict(self.scope.get("headers") or [])
        origin = headers.get(b"origin", b"").decode("latin1")
        return origin in allowed

    async def _teardown(self) -> None:
        self.hub.detach(self)
        subscriptions, self.subscriptions = self.subscriptions, {}
        if self.sid is not None and subscriptions:
            # A client that comes back with this sid gets its subscriptions restored.
            try:
                await sessions.keep(
                    self.sid,
                    list(subscriptions),
                    fingerprint=sessions.client_fingerprint(self.scope),
                )
            except Exception:
                logger.exception("cable: could not keep the session for restore")
        for channel in subscriptions.values():
            await self._drop(channel)

    def _hold(self, identifier: str, channel: Channel) -> None:
        self.subscriptions[identifier] = channel
        metrics.SUBSCRIPTIONS.labels(type(channel).__name__).inc()

    async def _drop(self, channel: Channel) -> None:
        metrics.SUBSCRIPTIONS.labels(type(channel).__name__).dec()
        try:
            await channel.stop_all_streams()
            await channel.unsubscribed()
        except Exception:
            logger.exception("cable: error while unsubscribing from %s", channel.name)

    # Sending ---------------------------------------------------------------------------------

    async def send_text(self, text: str) -> None:
        if self.closed:
            return
        if self._writer is None or not self._write_direct(text):
            await self._send_through_asgi(text)
        await self._check_backlog()

    def _write_direct(self, text: str) -> bool:
        assert self._writer is not None
        try:
            data = text.encode()
        except UnicodeEncodeError:  # a lone surrogate: let autobahn refuse it as it always has
            return False
        return self._writer.write(data)

    async def send_frame(self, prefix: bytes, body: bytes) -> None:
        """Send the text frame ``prefix + body`` (UTF-8): the hub's path, parts pre-encoded."""
        if self.closed:
            if self.let_go:
                metrics.FRAMES_LOST.labels("too_slow").inc()
            return
        if self._writer is None or not self._writer.write(prefix, body):
            await self._send_through_asgi((prefix + body).decode())
        await self._check_backlog()

    async def _send_through_asgi(self, text: str) -> None:
        try:
            await self._send({"type": "websocket.send", "text": text})
        except Exception as exc:
            if type(exc).__name__ == "PayloadExceededError":
                # autobahn refuses frames over daphne's message limit (1 MiB by default); the
                # socket is fine, only this frame is not sent.
                logger.error(
                    "cable: a %d-character frame exceeds the server's message limit "
                    "and was not sent",
                    len(text),
                )
                metrics.FRAMES_LOST.labels("too_large").inc()
                return
            # The socket went away under us, or the frame could not be sent at all: either
            # way nothing more is sent on it, and it is closed (a socket marked closed but
            # left open would hold its descriptor, unpinged, outside the hub's accounting).
            logger.warning("cable: a send failed (%s); closing the socket", type(exc).__name__)
            self.closed = True
            if self._transport is not None and self._transport.connected:
                self._transport.abortConnection()
            else:
                with contextlib.suppress(Exception):
                    await self._send({"type": "websocket.close", "code": 1011})

    async def _check_backlog(self) -> None:
        if (
            not self.closed
            and self._transport is not None
            and queued_bytes(self._transport) > self._max_queued
        ):
            await self._let_go_slow_client()

    async def _let_go_slow_client(self) -> None:
        """The client stopped reading: stop queueing for it, say why, and hang up.

        The disconnect frame waits behind what is queued; a client that reads again gets it and
        closes (the ActionCable and AnyCable clients do on a disconnect frame). One that does
        not is aborted after REALTIME["SLOW_CLIENT_GRACE"] seconds. No WebSocket close frame is
        sent: autobahn would drop the connection one second later if the client had not yet
        read up to it, losing the frame that says why. Either way nothing more is
        queued, so one slow client costs at most MAX_QUEUED_BYTES and never holds up others.
        """
        logger.info("cable: disconnecting a client that stopped reading (too_slow)")
        transport = self._transport
        frame = protocol.disconnect(protocol.REASON_TOO_SLOW, reconnect=True)
        self.closed = True
        self.let_go = True
        metrics.SLOW_DISCONNECTS.inc()
        with contextlib.suppress(Exception):
            await self._send({"type": "websocket.send", "text": frame})
        asyncio.get_running_loop().call_later(
            realtime_settings.SLOW_CLIENT_GRACE,
            lambda: transport.connected and transport.abortConnection(),
        )

    async def close(self, reason: str, *, reconnect: bool) -> None:
        """Send a disconnect frame with ``reason`` and close the socket."""
        if self.closed:
            return
        await self.send_text(protocol.disconnect(reason, reconnect=reconnect))
        self.closed = True
        with contextlib.suppress(Exception):  # already gone: nothing left to close
            await self._send({"type": "websocket.close", "code": 1000})

    async def unsubscribe_server_side(self, channel: Channel) -> None:
        """Drop a subscription the server no longer authorises (its identifier stays known)."""
        if self.subscriptions.get(channel.identifier) is channel:
            del self.subscriptions[channel.identifier]
            await self._drop(channel)

    # Commands ---------------------------------------------------------------------------------

    async def _on_frame(self, message: dict[str, Any]) -> None:
        text = message.get("text")
        if text is None:
            logger.info("cable: ignored a binary frame (the protocol is JSON text)")
            return
        limit = realtime_settings.MAX_FRAME_BYTES
        if len(text) > limit or (len(text) * 4 > limit and len(text.encode("utf-8")) > limit):
            logger.info("cable: closing a connection that sent a frame over %d bytes", limit)
            await self.close(protocol.REASON_FRAME_TOO_LARGE, reconnect=False)
            return
        if not self._bucket.take():
            logger.info("cable: closing a connection over its command rate limit")
            await self.close(protocol.REASON_TOO_MANY_COMMANDS, reconnect=True)
            return
        try:
            command = protocol.parse_command(text)
        except protocol.ProtocolError as exc:
            logger.info("cable: ignored a frame: %s", exc)
            return
        if command.command == "subscribe":
            await self._subscribe(command.identifier, command.history)
        elif command.command == "unsubscribe":
            await self._unsubscribe(command.identifier)
        elif command.command == "message":
            await self._message(command.identifier, command.data)
        elif command.command == "history":
            await self._history(command.identifier, command.history)
        # "pong" (extended protocol keep-alive) needs no answer.

    async def _subscribe(self, identifier: Any, history: Any = None) -> None:
        if isinstance(identifier, str) and identifier in self.subscriptions:
            # The stock client re-sends subscribe every 500 ms until it hears back: confirm
            # again, deliver once.
            await self.send_text(protocol.confirm_subscription(identifier))
            return
        if len(self.subscriptions) >= realtime_settings.MAX_SUBSCRIPTIONS:
            logger.info("cable: rejected a subscription past MAX_SUBSCRIPTIONS")
            metrics.SUBSCRIBES.labels("rejected", "too_many_subscriptions").inc()
            await self.send_text(protocol.reject_subscription(identifier))
            return
        replaying = history is not None and self.extended
        channel = await self._authorized_channel(identifier, hold=replaying)
        if channel is None or self.closed:
            await self.send_text(protocol.reject_subscription(identifier))
            return
        metrics.SUBSCRIBES.labels("accepted", "").inc()
        self._hold(identifier, channel)
        await self.send_text(protocol.confirm_subscription(identifier))
        await self._confirmed(channel)
        if replaying:
            await self._replay(channel, history)

    async def _authorized_channel(self, identifier: Any, *, hold: bool = False) -> Channel | None:
        """A subscription to ``identifier`` if its channel authorises it (reasons go to the log).

        With ``hold``, broadcasts wait from the moment it follows its streams until history
        has been replayed, so nothing arrives twice or out of order.
        """
        try:
            params = protocol.parse_identifier(
                identifier, max_length=realtime_settings.MAX_IDENTIFIER_LENGTH
            )
        except protocol.ProtocolError as exc:
            logger.info("cable: rejected a subscription: %s", exc)
            metrics.SUBSCRIBES.labels("rejected", "bad_identifier").inc()
            return None
        channel_class = channel_registry.get(params["channel"])
        if channel_class is None:
            logger.info(
                "cable: rejected a subscription to unknown channel %s", describe(identifier)
            )
            metrics.SUBSCRIBES.labels("rejected", "unknown_channel").inc()
            return None
        channel = channel_class(self, identifier, params)
        if hold:
            channel.held = []
        try:
            await channel.subscribed()
        except Exception:
            logger.exception("cable: %s.subscribed() failed", channel_class.__name__)
            channel.reject()
        if channel.rejected:
            metrics.SUBSCRIBES.labels("rejected", "unauthorized").inc()
            await channel.stop_all_streams()
            return None
        return channel

    async def _confirmed(self, channel: Channel) -> None:
        try:
            await channel.confirmed()
        except Exception:
            logger.exception("cable: %s.confirmed() failed", type(channel).__name__)

    # Extended protocol: history --------------------------------------------------------------

    async def _history(self, identifier: Any, request: Any) -> None:
        channel = self.subscriptions.get(identifier) if isinstance(identifier, str) else None
        if channel is None or not self.extended:
            logger.info("cable: history for a subscription this connection does not hold")
            await self.send_text(protocol.reject_history(identifier))
            return
        await self._replay(channel, request)

    async def _replay(self, channel: Channel, request: Any) -> None:
        """Send what the client missed, in order, then ``confirm_history``.

        Live broadcasts for the subscription are held while the history is read, then sent
        after it, skipping the ones the replay already delivered (same stream and offset): one
        ordered stream with nothing twice.
        """
        store = history_store()
        positions = request.get("streams") if isinstance(request, dict) else None
        since = request.get("since") if isinstance(request, dict) else None
        if store is None or not isinstance(positions, dict | None):
            await self.send_text(protocol.reject_history(channel.identifier))
            return
        positions = positions or {}
        if channel.held is None:
            channel.held = []
        channel.replaying = True
        sent: dict[str, Position] = {}
        try:
            for stream in sorted(channel.streams):
                position = positions.get(stream)
                if isinstance(position, dict) and "epoch" in position and "offset" in position:
                    epoch = str(position["epoch"])
                    entries = await store.after(stream, epoch, int(position["offset"]))
                elif isinstance(since, int | float) and not isinstance(since, bool):
                    epoch, entries = await store.since(stream, float(since))
                else:
                    continue
                for entry in entries:
                    await self.send_text(
                        channel.frame_prefix
                        + entry.payload
                        + protocol.position_suffix(stream, epoch, entry.offset)
                    )
                    sent[stream] = (epoch, entry.offset)
        except (HistoryUnavailable, ValueError, TypeError) as exc:
            logger.info("cable: history refused for %s: %s", channel.name, exc)
            await self._release(channel, sent)
            await self.send_text(protocol.reject_history(channel.identifier))
            return
        except Exception:
            logger.exception("cable: reading history failed")
            await self._release(channel, sent)
            await self.send_text(protocol.reject_history(channel.identifier))
            return
        await self._release(channel, sent)
        metrics.HISTORY_REPLAYS.inc()
        await self.send_text(protocol.confirm_history(channel.identifier))

    async def _release(self, channel: Channel, sent: dict[str, Position]) -> None:
        # A publisher writes history before its channel-layer message arrives here, so a
        # replayed message may still come live afterwards: the hub skips positions up to
        # these, in the same epoch only (a new epoch restarts offsets at 1).
        for stream, position in sent.items():
            if not channel.already_replayed(stream, position):
                channel.replayed[stream] = position
        held, channel.held = channel.held or [], None
        channel.replaying = False
        for stream, position, frame in held:
            if not channel.already_replayed(stream, position):
                await self.send_text(frame)

    async def _unsubscribe(self, identifier: Any) -> None:
        channel = self.subscriptions.pop(identifier, None) if isinstance(identifier, str) else None
        if channel is None:
            logger.info("cable: unsubscribe for a subscription this connection does not hold")
            return
        await self._drop(channel)

    async def _message(self, identifier: Any, data: Any) -> None:
        channel = self.subscriptions.get(identifier) if isinstance(identifier, str) else None
        if channel is None:
            logger.info("cable: message for a subscription this connection does not hold")
            return
        try:
            payload = protocol.parse_data(data)
        except protocol.ProtocolError as exc:
            logger.info("cable: ignored a message to %s: %s", channel.name, exc)
            return
        try:
            await channel.perform(payload["action"], payload)
        except UnknownAction:
            logger.info("cable: %s has no action %r", channel.name, payload["action"][:64])
        except Exception:
            logger.exception("cable: %s action %r failed", channel.name, payload["action"][:64])
