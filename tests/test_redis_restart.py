"""Redis restarts under a running server: sockets stay, delivery resumes without a restart."""

import asyncio
import shutil
import subprocess
import time

import pytest

from conversations import streams
from realtime.broadcast import abroadcast

from .audience import contact_identifier
from .live import (
    DaphneServer,
    SocketClient,
    free_port,
    new_prefix,
    server_environment,
    shared_layer,
)
from .services import unavailable

pytestmark = [pytest.mark.server, pytest.mark.redis]


class PrivateRedis:
    """A redis-server of this test's own, so restarting it disturbs nobody else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        unavailable("redis-server", "install Redis (the Debian package redis-server)")
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.kill()


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
