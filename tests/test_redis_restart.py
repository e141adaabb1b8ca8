"""Redis restarts under a running server: sockets stay, delivery resumes without a restart."""

import asyncio

import pytest

from conversations import streams
from realtime.delivery.broadcast import abroadcast

from .audience import contact_identifier
from .live import (
    DaphneServer,
    SocketClient,
    new_prefix,
    server_environment,
    shared_layer,
)

pytestmark = [pytest.mark.server, pytest.mark.redis]


async def test_delivery_resumes_after_redis_restarts(world, private_redis, settings):
    prefix = new_prefix()
    settings.CHANNEL_LAYERS = shared_layer(private_redis.url, prefix)
    settings.REALTIME = {**settings.REALTIME, "GROUP_PREFIX": prefix}
    server = DaphneServer(server_environment(private_redis.url, prefix)).start()
    try:
        client = await SocketClient.connect(server.url)
        assert await client.subscribe(contact_identifier(world.session)) == ("confirm_subscription")
        stream = [streams.contact_session(world.session.id)]
        await abroadcast(stream, {"event": "before", "data": {}})
        await client.receive(lambda f: (f.get("message") or {}).get("event") == "before")

        private_redis.kill()
        await asyncio.sleep(1.0)  # the server notices the lost connection
        private_redis.start()

        # The socket stayed open through the outage; delivery comes back by itself.
        async with asyncio.timeout(30):
            while True:
                try:
                    await abroadcast(stream, {"event": "after", "data": {}})
                    await client.receive(
                        lambda f: (f.get("message") or {}).get("event") == "after", timeout=1
                    )
                    break
                except (TimeoutError, ConnectionError, OSError):
                    await asyncio.sleep(0.5)
        await client.close()
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_an_event_the_channel_layer_refuses_is_logged_as_lost(world, caplog, monkeypatch):
    from conversations.events import publish
    from conversations.models import Message
    from conversations.services.messages import message_create

    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(publish, "broadcast", refuse)
    with caplog.at_level("ERROR", logger="conversations.events.publish"):
        message_create(
            conversation=world.conversation,
            content="during the outage",
            message_type=Message.MessageType.INCOMING,
            sender=world.session.contact,
        )
    assert Message.objects.filter(content="during the outage").exists()  # the write stands
    assert "message.created to 3 streams was lost" in caplog.text


async def test_what_is_published_while_the_layer_resubscribes_is_not_lost(
    world, private_redis, settings
):
    """The ~1 s after Redis comes back, before channels_redis has re-subscribed: broadcasts
    published then reach no process, but they are in history, and the server delivers them
    with the next broadcast on their stream, in order."""
    prefix = new_prefix()
    settings.CHANNEL_LAYERS = shared_layer(private_redis.url, prefix)
    settings.REDIS_URL = private_redis.url  # this process keeps history where the server does
    settings.REALTIME = {
        **settings.REALTIME,
        "GROUP_PREFIX": prefix,
        "HISTORY_STORE": "realtime.delivery.history.redis.RedisHistoryStore",
    }
    env = server_environment(private_redis.url, prefix)
    server = DaphneServer(env).start()
    try:
        client = await SocketClient.connect(server.url)
        assert await client.subscribe(contact_identifier(world.session)) == "confirm_subscription"
        stream = [streams.contact_session(world.session.id)]
        await abroadcast(stream, {"event": "n", "data": {"n": 0}})
        await client.receive(lambda f: (f.get("message") or {}).get("event") == "n")

        private_redis.kill()
        await asyncio.sleep(1.0)
        private_redis.start()
        published = []
        for n in range(1, 11):  # at once: most of these fall in the re-subscribe gap
            try:
                await abroadcast(stream, {"event": "n", "data": {"n": n}})
                published.append(n)
            except (ConnectionError, OSError):
                pass  # refused at publish: the publisher knows (and logs) it was lost
            await asyncio.sleep(0.05)
        assert published, "Redis was back: some broadcasts must have been published"
        # Then a marker at a time until one arrives: whatever came before it, came.
        received: list[int] = []

        def numbered(frame) -> bool:
            return (frame.get("message") or {}).get("event") == "n"

        async with asyncio.timeout(30):
            for marker in range(100, 1000):
                try:
                    await abroadcast(stream, {"event": "n", "data": {"n": marker}})
                except (ConnectionError, OSError):
                    await asyncio.sleep(0.5)
                    continue
                try:
                    while not received or received[-1] < 100:
                        frame = await client.receive(numbered, timeout=1)
                        received.append(frame["message"]["data"]["n"])
                    break
                except TimeoutError:
                    continue
        before = [n for n in received if n < 100]
        assert before == published, f"published {published}, received {received}"
        await client.close()
    finally:
        server.stop()
