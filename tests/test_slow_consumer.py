"""A client that stops reading is let go with "too_slow"; everyone else is served on time."""

import asyncio
import json

import pytest
import websockets

from conversations import streams
from realtime.delivery.broadcast import abroadcast

from .audience import agent_identifier
from .live import DaphneServer, SocketClient, server_environment

pytestmark = [pytest.mark.server, pytest.mark.redis]


async def test_a_client_that_stops_reading_is_disconnected_too_slow(world, redis_layer):
    env = server_environment(*redis_layer)
    # A long grace: the slow client here starts reading only after the fast one is done.
    env["CARBONCHAT_REALTIME"] = json.dumps(
        {"MAX_QUEUED_BYTES": 512 * 1024, "SLOW_CLIENT_GRACE": 60}
    )
    server = DaphneServer(env).start()
    try:
        identifier = agent_identifier(world.agent, world.account)
        # The slow client reads nothing once subscribed: websockets stops reading after a few
        # frames (max_queue) and the kernel buffers fill, so output queues up in the server.
        slow = await SocketClient.connect(server.url, max_size=None)
        slow.connection.max_queue = 1  # type: ignore[attr-defined]
        assert await slow.subscribe(identifier) == "confirm_subscription"
        fast = await SocketClient.connect(server.url, max_size=None)
        assert await fast.subscribe(identifier) == "confirm_subscription"

        async def read_all() -> list[int]:
            got = []
            while len(got) < 200:
                frame = await fast.receive(
                    lambda f: (f.get("message") or {}).get("event") == "message.created",
                    timeout=30,
                )
                got.append(frame["message"]["data"]["n"])
            return got

        reader = asyncio.create_task(read_all())
        blob = "y" * 50_000
        for n in range(200):  # 10 MB for each subscriber, at a pace a reading client keeps up
            await abroadcast(
                [streams.inbox_agents(world.inbox.id)],
                {"event": "message.created", "data": {"n": n, "blob": blob}},
            )
            await asyncio.sleep(0.01)
        assert await reader == list(range(200))  # the fast client lost nothing, in order

        # The slow client, reading at last, finds what fit in the queue, then the reason,
        # and nothing after it.
        frames = []
        async with asyncio.timeout(20):
            while not frames or frames[-1].get("type") != "disconnect":
                frames.append(json.loads(await slow.connection.recv()))
        assert frames[-1] == {"type": "disconnect", "reason": "too_slow", "reconnect": True}
        delivered = [f for f in frames if (f.get("message") or {}).get("event")]
        assert len(delivered) < 200
        with pytest.raises((TimeoutError, websockets.ConnectionClosed)):
            await asyncio.wait_for(slow.connection.recv(), 0.5)
    finally:
        server.stop()
