"""
Redis down or stalled under a real server: requests never fail after their write committed,
presence reads as offline, rate limits fail open, and every Redis call gives up in seconds.
"""

import signal

import pytest

from conversations.models import Message

from .live import DaphneServer, http_json, new_prefix, server_environment

pytestmark = [pytest.mark.server, pytest.mark.redis]


def call(server, method: str, path: str, body=None, token: str | None = None):
    return http_json(server.port, method, path, body, token)


@pytest.fixture
def outage_server(private_redis):
    env = server_environment(private_redis.url, new_prefix())
    env["REDIS_SOCKET_TIMEOUT"] = env["REDIS_CONNECT_TIMEOUT"] = "0.5"
    server = DaphneServer(env).start()
    yield server, private_redis
    if private_redis.process is not None and private_redis.process.poll() is None:
        private_redis.process.send_signal(signal.SIGCONT)
    server.stop()


def test_with_redis_down_writes_answer_their_commit_and_reads_work(world, outage_server):
    server, redis = outage_server
    conversation = f"/api/v1/accounts/{world.account.id}/conversations"
    token = world.agent.agent.access_token
    assert call(server, "GET", conversation, token=token)[0] == 200  # warm, Redis up
    redis.kill()

    status, body = call(
        server,
        "POST",
        f"{conversation}/{world.conversation.display_id}/messages",
        {"content": "during the outage"},
        token,
    )
    assert status == 201 and body["content"] == "during the outage"
    assert body["sender"]["availability_status"] == "offline"  # unknown reads as offline
    assert Message.objects.filter(content="during the outage").count() == 1
    assert call(server, "GET", conversation, token=token)[0] == 200
    assert (
        call(
            server, "GET", f"{conversation}/{world.conversation.display_id}/messages", token=token
        )[0]
        == 200
    )
    # The client API's rate limits live in Redis: they fail open.
    root = f"/public/api/v1/inboxes/{world.other_inbox.identifier}"
    status, contact = call(server, "POST", f"{root}/contacts", {"name": "Visitor"})
    assert status in (200, 201) and contact["source_id"]
    status, _ = call(server, "POST", f"{root}/contacts/{contact['source_id']}/conversations", {})
    assert status in (200, 201)
    log = server.output(tail=None)  # the whole log: Redis errors' tracebacks come after
    assert "lost" in log or "not applied" in log


def test_a_stalled_redis_does_not_hold_a_request(world, outage_server):
    server, redis = outage_server
    path = (
        f"/api/v1/accounts/{world.account.id}/conversations/"
        f"{world.conversation.display_id}/messages"
    )
    token = world.agent.agent.access_token
    assert call(server, "POST", path, {"content": "warm"}, token)[0] == 201
    # Up, but answering nothing, for as long as the request takes: without timeouts it would
    # wait for Redis for ever (the client gives up after 30 s); with them each Redis call
    # gives up after 0.5 s and the request answers while Redis is still stopped.
    redis.process.send_signal(signal.SIGSTOP)
    status, _ = call(server, "POST", path, {"content": "while stalled"}, token)
    assert redis.process.poll() is None  # still stopped when the answer came
    redis.process.send_signal(signal.SIGCONT)
    assert status == 201
    assert Message.objects.filter(content="while stalled").count() == 1
