"""A client that stops reading is let go with "too_slow"; everyone else is served on time."""

import asyncio
import json

import pytest
import websockets

from conversations import streams
from realtime.broadcast import abroadcast

from .audience import agent_identifier
from .live import DaphneServer, SocketClient, server_environment

pytestmark = [pytest.mark.server, pytest.mark.redis]


async def test_a_client_that_stops_reading_is_disconnected_too_slow(world, redis_layer):
    env = server_environment(*redis_layer)
    env["CARBONCHAT_REALTIME"] = json.dumps({"MAX_QUEUED_BYTES": 512 * 1024})
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

        blob = "y" * 50_000
        for n in range(200):  # 10 MB for each subscriber
            await abroadcast(
                [streams.inbox_agents(world.inbox.id)],
                {"event": "message.created", "data": {"n": n, "blob": blob}},
            )
        got = []
        while len(got) < 200:
            frame = await fast.receive(
                lambda f: (f.get("message") or {}).get("event") == "message.created", timeout=20
            )
            got.append(frame["message"]["data"]["n"])
        assert got == list(range(200))  # the fast client lost nothing and kept its order

        # The slow client, reading at last, finds what fit in the queue, then the reason.
        frames = []
        with pytest.raises(websockets.ConnectionClosed):  # the server hangs up after the frame
            async with asyncio.timeout(20):
                while True:
                    frames.append(json.loads(await slow.connection.recv()))
        assert {"type": "disconnect", "reason": "too_slow", "reconnect": True} in frames
        delivered = [f for f in frames if (f.get("message") or {}).get("event")]
        assert len(delivered) < 200
    finally:
        server.stop()
