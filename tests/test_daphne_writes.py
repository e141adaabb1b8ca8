"""Frames leave a real daphne intact and in order, whether the kernel takes them at once or not."""

import asyncio
import json

import pytest

from conversations import streams
from realtime.delivery.broadcast import abroadcast

from .audience import contact_identifier
from .live import SocketClient


async def test_large_and_small_frames_arrive_whole_and_in_order(world, live_server_factory):
    server = live_server_factory()
    client = await SocketClient.connect(server.url, max_size=None)
    assert await client.subscribe(contact_identifier(world.session)) == "confirm_subscription"
    stream = streams.contact_session(world.session.id)
    big = "x" * 900_000  # beyond the 16 KiB initial send buffer: the eager send is partial
    # Stop reading for a moment so the server's sends queue up behind the big one.
    await abroadcast([stream], {"event": "big", "data": {"n": 0, "blob": big}})
    for n in range(1, 51):
        await abroadcast([stream], {"event": "small", "data": {"n": n}})
    await asyncio.sleep(0.5)
    received = []
    while len(received) < 51:
        frame = await client.receive(
            lambda f: (f.get("message") or {}).get("event") in {"big", "small"}
        )
        received.append(frame["message"])
    assert received[0]["data"]["blob"] == big
    assert [m["data"]["n"] for m in received] == list(range(51))
    assert json.dumps(received[1]) == json.dumps({"event": "small", "data": {"n": 1}})
    await client.close()


async def test_a_broadcast_too_large_for_daphne_is_refused_and_the_socket_lives_on(
    world, live_server_factory
):
    from realtime.delivery.broadcast import MessageTooLarge

    server = live_server_factory()
    client = await SocketClient.connect(server.url, max_size=None)
    assert await client.subscribe(contact_identifier(world.session)) == "confirm_subscription"
    stream = [streams.contact_session(world.session.id)]
    with pytest.raises(MessageTooLarge):
        await abroadcast(stream, {"event": "huge", "data": {"blob": "z" * 1_100_000}})
    await abroadcast(stream, {"event": "after", "data": {}})
    frame = await client.receive(lambda f: (f.get("message") or {}).get("event") == "after")
    assert frame["message"] == {"event": "after", "data": {}}
    await client.close()


def test_an_event_too_large_to_send_is_logged_as_lost(world, caplog, settings):
    from conversations.models import Message
    from conversations.services.messages import message_create

    settings.REALTIME = {**settings.REALTIME, "MAX_BROADCAST_BYTES": 2000}
    with caplog.at_level("ERROR", logger="conversations.events.publish"):
        message_create(
            conversation=world.conversation,
            content="x" * 5000,
            message_type=Message.MessageType.INCOMING,
            sender=world.session.contact,
        )
    assert "message.created was lost" in caplog.text and "exceeds 2000 bytes" in caplog.text


async def test_invalid_utf8_drops_that_socket_and_the_server_stays_up(world, live_server_factory):
    import websockets

    server = live_server_factory()
    client = await SocketClient.connect(server.url)
    await client.connection.send(b'{"command":"subscribe","identifier":"\xff\xfe"}', text=True)
    # autobahn (daphne's WebSocket layer) fails the connection by dropping it, as RFC 6455
    # allows for invalid UTF-8; the frame never reaches the application.
    with pytest.raises(websockets.ConnectionClosed):
        await client.receive(timeout=10)
    fresh = await SocketClient.connect(server.url)
    assert await fresh.subscribe(contact_identifier(world.session)) == "confirm_subscription"
    await fresh.close()
