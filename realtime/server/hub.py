"""
The hub: one per server process (per event loop), between the channel layer and the sockets.

A stream has exactly one channel-layer group membership per process however many local
subscriptions follow it, and a broadcast arrives once per process and is fanned out locally:
each socket's frame is its subscription's pre-encoded identifier spliced around the shared,
already-encoded payload, written to the socket directly under daphne (``frame_writer``).
Nothing on this path touches the database, and nothing goes through a consumer's
``dispatch()`` (which, since Channels 4.2, hops to a shared thread per message). A fan-out too
large to write in one go is written in slices while other streams' messages go on.

The hub also drives every socket's ping from one timer.
"""

import asyncio
import logging
import time
import uuid
from collections import deque
from typing import TYPE_CHECKING, Any

from channels.layers import get_channel_layer

from realtime import daphne, protocol
from realtime.daphne.eager_writes import enable_eager_writes
from realtime.daphne.heap_freezer import HeapFreezer
from realtime.daphne.lazy_autobahn_logs import enable_lazy_autobahn_logs
from realtime.delivery.envelope import BROADCAST, CONTROL, PROBE
from realtime.delivery.history.store import history_store
from realtime.delivery.streams import group_name
from realtime.server import metrics
from realtime.server.loop_local import LoopLocal
from realtime.server.shutdown import on_server_shutdown
from realtime.settings import realtime_settings

if TYPE_CHECKING:
    from realtime.channel import Channel
    from realtime.server.connection import CableConnection


logger = logging.getLogger(__name__)

# Seconds a graceful shutdown waits for clients to complete the closing handshake.
SHUTDOWN_GRACE = 3.0
# A broadcast whose fan-out writes more than this many bytes (subscribers times payload) is
# written in slices of FANOUT_SLICE sockets, yielding between slices, while other streams'
# messages go on being delivered. The case: a presence.update for an account with thousands
# of agents online is a map of all of them (~100 KB) sent to each of them (~450 MB at 5,000),
# which written in one go held every other delivery up for ~0.25 s (cable_bench, 500 streams).
LARGE_FANOUT_BYTES = 8 * 1024 * 1024
FANOUT_SLICE = 256


class Hub(LoopLocal):
    def __init__(self) -> None:
        self.layer = get_channel_layer(realtime_settings.CHANNEL_LAYER)
        # stream -> subscriptions (a dict keeps insertion order and O(1) removal)
        self._subscribers: dict[str, dict[Channel, None]] = {}
        self._connections: set[CableConnection] = set()
        self._membership = asyncio.Lock()
        self._channel_name: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._pinger: asyncio.Task[None] | None = None
        # stream -> its messages waiting behind a sliced fan-out, in arrival order
        self._backlog: dict[str, deque[dict[str, Any]]] = {}
        self._drains: set[asyncio.Task[None]] = set()
        self._shutdown_hooked = False
        self._freezer: HeapFreezer | None = None
        # Faults survived, for health checks and metrics.
        self.bad_messages = 0
        self.reader_restarts = 0
        self.caught_up = 0
        # stream -> (epoch, offset) of the last positioned broadcast this process delivered
        self._positions: dict[str, tuple[str, int]] = {}
        self._probes: dict[str, asyncio.Future[None]] = {}

    # Connections and pings ----------------------------------------------------------------

    def attach(self, connection: "CableConnection") -> None:
        if connection not in self._connections:
            metrics.SOCKETS.inc()
        self._connections.add(connection)
        if not self._shutdown_hooked:
            self._shutdown_hooked = on_server_shutdown(self.shutdown)
            if daphne.enabled("EAGER_WRITES"):
                enable_eager_writes()
            if daphne.enabled():
                enable_lazy_autobahn_logs()
            # Only in a real server process (a Twisted reactor runs): tests share their heap.
            if self._shutdown_hooked and daphne.enabled("FREEZE_HEAP"):
                self._freezer = HeapFreezer()
        if self._freezer is not None:
            self._freezer.opened()
        if self._pinger is None:
            self._pinger = asyncio.create_task(self._ping_forever(), name="cable-pinger")

    def detach(self, connection: "CableConnection") -> None:
        if connection in self._connections:
            metrics.SOCKETS.dec()
            if self._freezer is not None:
                self._freezer.closed()
        self._connections.discard(connection)
        if not self._connections and self._pinger is not None:
            self._pinger.cancel()
            self._pinger = None

    async def shutdown(self) -> None:
        """Tell every socket the server is restarting, and close it."""
        connections = list(self._connections)
        for connection in connections:
            await connection.close(protocol.REASON_SERVER_RESTART, reconnect=True)
        # Wait for the closing handshakes, so the frames leave the process before it exits.
        waiting = [asyncio.ensure_future(c.finished.wait()) for c in connections]
        if waiting:
            _, pending = await asyncio.wait(waiting, timeout=SHUTDOWN_GRACE)
            for future in pending:
                future.cancel()
        logger.info("cable: told %d sockets the server is restarting", len(connections))

    async def _ping_forever(self) -> None:
        interval = float(realtime_settings.PING_INTERVAL)
        while True:
            await asyncio.sleep(interval)
            frame = protocol.ping(int(time.time()))
            for connection in list(self._connections):
                await connection.send_text(frame)

    # Streams ----------------------------------------------------------------------------------

    async def join(self, stream: str, channel: "Channel") -> None:
        subscribers = self._subscribers.get(stream)
        if subscribers is not None:
            subscribers[channel] = None
            return
        # The first local follower joins the group; the lock orders joins and leaves of groups
        # so a leave that is still unsubscribing cannot undo a join that follows it.
        async with self._membership:
            subscribers = self._subscribers.get(stream)
            if subscribers is None:
                await self._ensure_reader()
                await self.layer.group_add(group_name(stream), self._channel_name)
                subscribers = self._subscribers[stream] = {}
            subscribers[channel] = None

    async def leave(self, stream: str, channel: "Channel") -> None:
        subscribers = self._subscribers.get(stream)
        if subscribers is None or channel not in subscribers:
            return
        del subscribers[channel]
        if subscribers:
            return
        async with self._membership:
            if self._subscribers.get(stream) is subscribers and not subscribers:
                del self._subscribers[stream]
                self._positions.pop(stream, None)
                await self.layer.group_discard(group_name(stream), self._channel_name)
            if not self._subscribers:
                self._stop_reader()

    def stats(self) -> dict[str, int]:
        """Counts for tests and metrics: nothing may be left behind by closed sockets."""
        return {
            "connections": len(self._connections),
            "streams": len(self._subscribers),
            "subscriptions": sum(len(s) for s in self._subscribers.values()),
        }

    @property
    def reader_alive(self) -> bool:
        """False while streams are followed but nothing reads the channel layer for them."""
        if not self._subscribers:
            return True
        return self._reader is not None and not self._reader.done()

    # Delivery ---------------------------------------------------------------------------------

    async def _ensure_reader(self) -> None:
        if self._channel_name is None:
            self._channel_name = await self.layer.new_channel("cable-hub.")
            self._start_reader(self._channel_name)

    def _start_reader(self, channel_name: str) -> None:
        self._reader = asyncio.create_task(
            self._read_forever(channel_name), name="cable-hub-reader"
        )
        self._reader.add_done_callback(self._reader_ended)

    def _reader_ended(self, task: "asyncio.Task[None]") -> None:
        """Supervision: a reader that ended by anything but _stop_reader is started again."""
        if task.cancelled() or task is not self._reader or self._channel_name is None:
            return
        self.reader_restarts += 1
        metrics.READER_RESTARTS.inc()
        logger.error(
            "cable hub: the channel-layer reader ended (%r); restarting it (%d restarts)",
            task.exception(),
            self.reader_restarts,
        )
        self._start_reader(self._channel_name)

    def _stop_reader(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        self._reader = None
        self._channel_name = None

    async def _read_forever(self, channel_name: str) -> None:
        failures = 0
        while True:
            try:
                message = await self.layer.receive(channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                failures += 1
                logger.exception("cable hub: channel layer receive failed (%d in a row)", failures)
                await asyncio.sleep(min(0.1 * 2**failures, 5.0))
                continue
            failures = 0
            try:
                await self._deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                # One bad message costs only itself: delivery of everything else goes on.
                self.bad_messages += 1
                metrics.BAD_MESSAGES.inc()
                logger.exception(
                    "cable hub: a message on %r could not be delivered (%d so far)",
                    message.get("stream") if isinstance(message, dict) else None,
                    self.bad_messages,
                )

    async def probe(self, timeout: float) -> dict[str, Any]:
        """Whether the channel layer carries a message to this process's reader and the
        reader takes it, within ``timeout``: what ``/readyz`` asks. With no stream followed
        there is no reader; then only the layer is tried (a send to a channel nobody reads)."""
        probe_id = uuid.uuid4().hex
        if self._channel_name is None or not self.reader_alive:
            if self._subscribers:
                return {"ok": False, "error": "streams are followed but no reader runs"}
            await asyncio.wait_for(
                self.layer.send(f"cable-probe.{probe_id}", {"type": PROBE}), timeout
            )
            return {"ok": True, "reader": "idle"}
        answered = self._probes[probe_id] = asyncio.get_running_loop().create_future()
        try:
            async with asyncio.timeout(timeout):
                await self.layer.send(self._channel_name, {"type": PROBE, "id": probe_id})
                await answered
        except TimeoutError:
            return {"ok": False, "error": f"the reader did not answer within {timeout}s"}
        finally:
            self._probes.pop(probe_id, None)
        return {"ok": True, "reader": "running", "streams": len(self._subscribers)}

    async def _deliver(self, message: dict[str, Any]) -> None:
        if message.get("type") == PROBE:
            answered = self._probes.get(str(message.get("id")))
            if answered is not None and not answered.done():
                answered.set_result(None)
            return
        stream = message.get("stream", "")
        waiting = self._backlog.get(stream)
        if waiting is not None:  # behind a sliced fan-out of the same stream: in order
            waiting.append(message)
        elif self._is_large(message):
            self._backlog[stream] = deque([message])
            drain = asyncio.create_task(self._drain(stream), name="cable-hub-slices")
            self._drains.add(drain)
            drain.add_done_callback(self._drains.discard)
        else:
            await self.dispatch(message)

    def _is_large(self, message: dict[str, Any]) -> bool:
        if message.get("type") != BROADCAST:
            return False
        subscribers = self._subscribers.get(message.get("stream", ""), ())
        return len(subscribers) * len(message.get("payload", "")) > LARGE_FANOUT_BYTES

    async def _drain(self, stream: str) -> None:
        """Deliver a stream's large message in slices, then whatever queued behind it."""
        waiting = self._backlog[stream]
        try:
            while waiting:
                try:
                    await self.dispatch(waiting[0], sliced=True)
                except Exception:
                    logger.exception("cable hub: delivery on %s failed", stream)
                waiting.popleft()
        finally:
            del self._backlog[stream]

    async def _catch_up(self, message: dict[str, Any]) -> bool:
        """Deliver from history what the channel layer never brought, before ``message``;
        False when ``message`` itself was delivered so already.

        Broadcasts published while the layer was re-subscribing after a Redis restart reach
        no process (channels_redis says nothing of it), but they are in history, which the
        publisher writes first. A stream's positions run 1, 2, 3… in an epoch, so a gap
        between the last one delivered here and this one, or a new epoch that does not start
        at 1, is exactly what was missed: it is read from history and sent first, in order.
        (Two processes publishing to one stream can also deliver it out of order: the same
        rule puts it back in order, each message once.)
        """
        stream, epoch, offset = message["stream"], str(message["epoch"]), message["offset"]
        last = self._positions.get(stream)
        if last is not None and last[0] == epoch and offset <= last[1]:
            return False
        self._positions[stream] = (epoch, offset)
        if last is None:
            return True  # the first broadcast this process sees on the stream
        after = last[1] if last[0] == epoch else 0
        store = history_store() if offset > after + 1 else None
        if store is None:
            return True
        try:
            missed = [e for e in await store.after(stream, epoch, after) if e.offset < offset]
        except Exception as exc:
            logger.error(
                "cable hub: %d broadcasts on %s were missed and are not in history (%s)",
                offset - after - 1,
                stream,
                exc,
            )
            return True
        logger.warning(
            "cable hub: %d broadcasts on %s never arrived from the channel layer; "
            "delivered from history",
            len(missed),
            stream,
        )
        self.caught_up += len(missed)
        for entry in missed:
            await self.dispatch(
                {
                    "type": BROADCAST,
                    "stream": stream,
                    "payload": entry.payload,
                    "epoch": epoch,
                    "offset": entry.offset,
                },
                catch_up=False,
            )
        return True

    async def dispatch(
        self, message: dict[str, Any], *, sliced: bool = False, catch_up: bool = True
    ) -> None:
        kind = message.get("type")
        subscribers = self._subscribers.get(message.get("stream", ""))
        if not subscribers:
            return
        if kind == BROADCAST:
            if message.get("offset") is not None and catch_up and not await self._catch_up(message):
                return  # delivered already, from history
            payload: str = message["payload"]
            exclude = message.get("exclude")
            only = message.get("only")
            # Extended-protocol sockets also get the message's position in its stream.
            positioned = None
            position = None
            if message.get("offset") is not None:
                position = (str(message["epoch"]), message["offset"])
                positioned = payload + protocol.position_suffix(
                    message["stream"], message["epoch"], message["offset"]
                )
            plain = payload + "}"
            # Encoded once per broadcast: each socket's frame is its prefix and these bytes.
            plain_bytes = plain.encode()
            positioned_bytes = positioned.encode() if positioned is not None else plain_bytes
            started = time.perf_counter()
            delivered = 0
            for sent, channel in enumerate(list(subscribers)):
                if sliced and sent and sent % FANOUT_SLICE == 0:
                    await asyncio.sleep(0)  # let other streams' deliveries (and pings) run
                    if channel not in subscribers:
                        continue  # unsubscribed meanwhile
                if exclude is not None and channel.subscriber_key == exclude:
                    continue
                if only is not None and channel.subscriber_key != only:
                    continue
                connection = channel.connection
                extended = positioned is not None and connection.extended
                tail = positioned if extended else plain
                if channel.replayed and channel.already_replayed(message["stream"], position):
                    continue  # a history replay sent this one already
                if channel.held is not None:  # replaying history: after it, in order
                    channel.held.append((message["stream"], position, channel.frame_prefix + tail))
                    continue
                await connection.send_frame(
                    channel.frame_prefix_bytes, positioned_bytes if extended else plain_bytes
                )
                delivered += not connection.closed  # a closed socket got nothing
            # Counted once per broadcast, not per socket: the fan-out loop stays tight.
            metrics.DELIVERIES.inc(delivered)
            metrics.FANOUT_SECONDS.observe(time.perf_counter() - started)
        elif kind == CONTROL:
            # Handled before anything that arrives after it (a revoked subscription must not
            # receive the next event), concurrently across subscriptions. Control messages
            # are rare (membership and token changes), so the pause is short and seldom.
            # ``only`` addresses one subscriber (a subscriber key) among the stream's followers.
            only = message.get("only")
            results = await asyncio.gather(
                *(
                    channel.control(message)
                    for channel in list(subscribers)
                    if only is None or channel.subscriber_key == only
                ),
                return_exceptions=True,
            )
            for result in results:
                if isinstance(result, Exception):
                    logger.error("cable hub: control handler failed", exc_info=result)
        else:
            logger.warning("cable hub: ignoring channel-layer message of type %r", kind)
