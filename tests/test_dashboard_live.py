"""
Chatwoot's clients against a real daphne: the ``api_access_token`` header as raw bytes, the
dashboard's reconnect calls in order, Chatwoot's Python SDK, and snoozes reopening by
themselves in the server process.
"""

import json
import socket
import time
from datetime import timedelta
from urllib.request import Request, urlopen

import pytest
from asgiref.sync import sync_to_async
from chatwoot import ChatwootClient
from django.utils import timezone

from conversations.models import Conversation, Label, Message

from . import factories as f
from .audience import agent_identifier
from .live import SocketClient

pytestmark = [pytest.mark.server, pytest.mark.redis]


def raw_get(port: int, path: str, headers: list[tuple[str, str]]) -> tuple[int, dict]:
    """One HTTP/1.1 request written byte for byte, as a client's header names arrive."""
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body.strip().startswith(b"{") else {}


def test_api_access_token_with_an_underscore_reaches_the_api_through_daphne(
    world, live_server_factory
):
    server = live_server_factory()
    path = f"/api/v1/accounts/{world.account.id}/conversations"
    token = world.agent.agent.access_token
    other = world.admin.agent.access_token
    assert raw_get(server.port, path, [("api_access_token", token)])[0] == 200
    assert raw_get(server.port, path, [("api-access-token", token)])[0] == 200
    assert raw_get(server.port, path, [("API_ACCESS_TOKEN", token)])[0] == 200
    both = [("api_access_token", token), ("api-access-token", token)]
    assert raw_get(server.port, path, both)[0] == 200
    status, body = raw_get(
        server.port, path, [("api_access_token", token), ("api-access-token", other)]
    )
    assert status == 401 and "disagree" in body["detail"]
    assert raw_get(server.port, path, [])[0] == 401
    # Any other underscored name is still dropped by daphne: not an alias for the token.
    assert raw_get(server.port, path, [("api_access__token", token)])[0] == 401
    assert raw_get(server.port, path, [("x_api_access_token", token)])[0] == 401


def api(server, world, path: str, token: str | None = None):
    request = Request(
        f"http://127.0.0.1:{server.port}/api/v1/accounts/{world.account.id}/{path}",
        headers={"api_access_token": token or world.agent.agent.access_token},
    )
    with urlopen(request, timeout=10) as response:
        return json.loads(response.read())


async def test_the_dashboards_reconnect_calls_in_order(world, live_server_factory):
    server = live_server_factory()
    socket_client = await SocketClient.connect(server.url)
    await socket_client.subscribe(agent_identifier(world.agent, world.account))

    def before_the_drop():
        stale = f.make_conversation(world.session)
        Conversation.objects.filter(pk=stale.pk).update(
            updated_at=timezone.now() - timedelta(hours=1)
        )
        return stale, f.make_message(world.conversation, content="before the drop")

    stale, seen = await sync_to_async(before_the_drop)()
    keys_before = api(server, world, "cache_keys")["cache_keys"]
    await socket_client.close()  # the dashboard goes offline

    def while_away():
        Label.objects.create(account=world.account, title="new-while-away")
        return [f.make_message(world.conversation, content=f"missed {n}") for n in range(3)]

    missed = await sync_to_async(while_away)()
    offline_seconds = 5

    # 1. the list, everything updated while away (+15 s, as the dashboard asks)
    listed = api(server, world, f"conversations?updated_within={offline_seconds + 15}")
    ids = [c["id"] for c in listed["data"]["payload"]]
    assert ids == [world.conversation.display_id] and stale.display_id not in ids
    assert listed["data"]["payload"][0]["unread_count"] == 4
    # 2. the open conversation, after its last known message
    after = api(
        server, world, f"conversations/{world.conversation.display_id}/messages?after={seen.id}"
    )
    assert [m["id"] for m in after["payload"]] == [m.id for m in missed]
    # 3. cache keys: labels changed, inboxes and teams did not
    keys = api(server, world, "cache_keys")["cache_keys"]
    assert keys["label"] != keys_before["label"]
    assert (keys["inbox"], keys["team"]) == (keys_before["inbox"], keys_before["team"])


def test_chatwoots_python_sdk_authenticates_and_sets_labels(world, live_server_factory):
    server = live_server_factory()
    Label.objects.create(account=world.account, title="billing")
    with ChatwootClient(
        base_url=f"http://127.0.0.1:{server.port}", api_token=world.agent.agent.access_token
    ) as client:
        display_id = world.conversation.display_id
        conversation = client.conversations.get(
            account_id=world.account.id, conversation_id=display_id
        )
        assert conversation.id == display_id and conversation.status == "open"
        labels = client.conversations.labels.add(
            account_id=world.account.id, conversation_id=display_id, labels=["billing"]
        )
        assert labels == ["billing"]
        assert client.conversations.labels.list(
            account_id=world.account.id, conversation_id=display_id
        ) == ["billing"]
    world.conversation.refresh_from_db()
    assert [label.title for label in world.conversation.labels.all()] == ["billing"]


async def test_a_snoozed_conversation_reopens_by_itself_in_the_server(world, live_server_factory):
    server = live_server_factory()
    agent = await SocketClient.connect(server.url)  # the first request starts the sweeper
    await agent.subscribe(agent_identifier(world.agent, world.account))
    await sync_to_async(Conversation.objects.filter(pk=world.conversation.pk).update)(
        status=Conversation.Status.SNOOZED, snoozed_until=timezone.now() + timedelta(seconds=1)
    )
    started = time.monotonic()

    def reopened(frame) -> bool:
        message = frame.get("message") or {}
        return (
            message.get("event") == "conversation.status_changed"
            and message["data"]["status"] == "open"
        )

    frame = await agent.receive(reopened, timeout=20)
    assert frame["message"]["data"]["snoozed_until"] is None
    assert time.monotonic() - started < 15
    conversation = await Conversation.objects.aget(pk=world.conversation.pk)
    assert conversation.status == "open"
    activity = Message.objects.filter(
        conversation_id=conversation.pk, message_type=Message.MessageType.ACTIVITY
    )
    assert not await activity.aexists()
    await agent.close()


def test_the_client_generated_from_chatwoots_swagger_sets_and_lists_labels(
    world, live_server_factory
):
    from chatwoot_client import ApiClient, Configuration, ConversationIdLabelsBody
    from chatwoot_client.apis.conversation_labels_api import ConversationLabelsApi

    server = live_server_factory()
    Label.objects.create(account=world.account, title="vip")
    configuration = Configuration()
    configuration.host = f"http://127.0.0.1:{server.port}"
    configuration.api_key["api_access_token"] = world.agent.agent.access_token
    labels = ConversationLabelsApi(ApiClient(configuration))
    display_id = world.conversation.display_id
    added = labels.conversation_add_labels(
        ConversationIdLabelsBody(labels=["vip"]), world.account.id, display_id
    )
    assert added.payload == ["vip"]
    listed = labels.list_all_labels_of_a_conversation(world.account.id, display_id)
    assert listed.payload == ["vip"]
