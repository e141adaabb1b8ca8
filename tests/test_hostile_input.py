"""
Hostile input (red-team findings of #13): every one answered with a 4xx or a reject, and none
stops delivery for anyone else.
"""

import itertools
import json
import random

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from conversations import streams
from conversations.models import Contact
from realtime.delivery.broadcast import abroadcast
from realtime.delivery.streams import group_name
from realtime.server.hub import Hub
from realtime.testing import CableTestClient

from .audience import agent_identifier
from .test_api_application import client_for, url

# Fresh client addresses (each with its own rate-limit budget) for this module's requests.
ADDRESSES = itertools.cycle(range(1, 255))
_START = random.randrange(254)
for _ in range(_START):
    next(ADDRESSES)


@pytest.fixture
def public_contact(world):
    # An address of its own: the per-address rate limit is shared (Redis) across tests.
    client = APIClient(REMOTE_ADDR=f"192.0.2.{next(ADDRESSES)}")
    root = f"/public/api/v1/inboxes/{world.other_inbox.identifier}"
    created = client.post(f"{root}/contacts", {"name": "Mallory"}, format="json").json()
    return client, f"{root}/contacts/{created['source_id']}"


def raw_json(client: APIClient, method: str, path: str, body: str):
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize(
    "attributes",
    [
        '{"k": "\\ud800"}',  # a lone surrogate: valid JSON
        '{"\\udfff": 1}',
        '{"k": "a\\u0000b"}',
        '{"k": [[[{"deep": "\\ud83d"}]]]}',
    ],
)
def test_lone_surrogates_and_nul_in_attributes_are_400(world, public_contact, attributes):
    client, contact_path = public_contact
    body = '{"custom_attributes": ' + attributes + "}"
    response = raw_json(client, "patch", contact_path, body)
    assert response.status_code == 400 and "custom_attributes" in response.json()
    agent = client_for(world.agent)
    response = raw_json(agent, "post", url(world, "contacts"), body)
    assert response.status_code == 400 and "custom_attributes" in response.json()


def test_attributes_over_the_size_limit_are_400(world, public_contact):
    client, contact_path = public_contact
    big = {"custom_attributes": {"blob": "x" * 1_100_000}}
    response = client.patch(contact_path, big, format="json")
    assert response.status_code == 400 and "custom_attributes" in response.json()
    assert "bytes" in str(response.json()["custom_attributes"])


def test_json_nested_100000_deep_is_400_not_500(world):
    agent = client_for(world.agent)
    body = '{"custom_attributes": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = raw_json(agent, "post", url(world, "contacts"), body)
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


async def test_a_bad_message_on_the_layer_does_not_stop_delivery(world):
    client = CableTestClient()
    assert await client.connect()
    assert (await client.subscribe(agent_identifier(world.agent, world.account)))["type"] == (
        "confirm_subscription"
    )
    await client.receive()  # presence
    hub = Hub.current()
    stream = streams.inbox_agents(world.inbox.id)
    # A message the hub cannot deliver (no payload): before, it ended the reader for good.
    await hub.layer.group_send(group_name(stream), {"type": "cable.broadcast", "stream": stream})
    await abroadcast([stream], {"event": "message.created", "data": {"n": 1}})
    frame = await client.receive(ignore_events=frozenset({"presence.update"}))
    assert frame["message"] == {"event": "message.created", "data": {"n": 1}}
    assert hub.bad_messages == 1 and hub.reader_alive
    await client.disconnect()


async def test_an_event_carrying_a_lone_surrogate_is_still_delivered(world):
    client = CableTestClient()
    assert await client.connect()
    await client.subscribe(agent_identifier(world.agent, world.account))
    await client.receive()  # presence
    # SQLite stores a lone surrogate (one stored before input was checked, or through the
    # shell); the event that carries it must still go out, as valid JSON.
    await abroadcast(
        [streams.account_agents(world.account.id)],
        {"event": "contact.created", "data": {"custom_attributes": {"k": "\ud800"}}},
    )
    text = await client.receive_text()
    while '"contact.created"' not in text:
        text = await client.receive_text()
    assert json.loads(text)["message"]["data"]["custom_attributes"] == {"k": "\ud800"}
    await abroadcast([streams.account_agents(world.account.id)], {"event": "after"})
    assert (await client.receive(ignore_events=frozenset({"presence.update"})))["message"] == {
        "event": "after"
    }
    await client.disconnect()


async def test_the_reader_is_restarted_if_it_ever_ends(world):
    client = CableTestClient()
    assert await client.connect()
    await client.subscribe(agent_identifier(world.agent, world.account))
    await client.receive()
    hub = Hub.current()
    original = hub._read_forever

    async def crash_once(channel_name):
        hub._read_forever = original
        raise RuntimeError("reader bug")

    hub._read_forever = crash_once
    hub._reader.cancel()  # stopped by hand: not restarted; start the crashing one instead
    hub._start_reader(hub._channel_name)
    for _ in range(50):
        if hub.reader_restarts:
            break
        await client.receive_nothing(0.02)
    assert hub.reader_restarts == 1 and hub.reader_alive
    await abroadcast([streams.inbox_agents(world.inbox.id)], {"event": "still"})
    frame = await client.receive(ignore_events=frozenset({"presence.update"}))
    assert frame["message"] == {"event": "still"}
    await client.disconnect()


async def test_an_out_of_range_id_rejects_only_its_own_subscribe(world):
    clients = [CableTestClient() for _ in range(21)]
    for client in clients:
        assert await client.connect()
    good = agent_identifier(world.agent, world.account)
    bad = {**good, "account_id": 10**30}
    for n, client in enumerate(clients):
        await client.send_command("subscribe", json.dumps(bad if n == 0 else good))
    replies = [
        await client.receive(types={"confirm_subscription", "reject_subscription"})
        for client in clients
    ]
    assert replies[0]["type"] == "reject_subscription"
    assert [r["type"] for r in replies[1:]] == ["confirm_subscription"] * 20
    for client in clients:
        await client.disconnect()


async def test_a_lone_surrogate_identifier_is_rejected_and_the_socket_lives(world):
    client = CableTestClient()
    assert await client.connect()
    identifier = json.dumps({"channel": "\ud800"})  # escapes: a valid frame to send
    await client.send_raw(json.dumps({"command": "subscribe", "identifier": identifier}))
    reply = await client.receive(types={"reject_subscription"})
    assert reply["identifier"] == identifier
    good = agent_identifier(world.agent, world.account)
    assert (await client.subscribe(good))["type"] == "confirm_subscription"
    await client.disconnect()


# Who may do what --------------------------------------------------------------------------


def test_only_administrators_delete_or_merge_contacts(world):
    agent, admin = client_for(world.agent), client_for(world.admin)
    # A contact the agent cannot even see the conversations of (another inbox's).
    other = Contact.objects.create(account=world.account, name="In B")
    victim = url(world, f"contacts/{other.id}")
    assert agent.delete(victim).status_code == 403
    merge = {"base_contact_id": world.session.contact_id, "mergee_contact_id": other.id}
    assert agent.post(url(world, "actions/contact_merge"), merge, format="json").status_code == 403
    assert Contact.objects.filter(pk=other.pk).exists()
    assert admin.delete(victim).status_code == 204


async def test_an_online_contact_is_not_deleted(world):
    contact_client = CableTestClient()
    assert await contact_client.connect()
    identifier = {"channel": "RoomChannel", "pubsub_token": world.session.pubsub_token}
    assert (await contact_client.subscribe(identifier))["type"] == "confirm_subscription"
    admin = client_for(world.admin)
    path = url(world, f"contacts/{world.session.contact_id}")
    response = await sync_to_async(admin.delete)(path)
    assert response.status_code == 422 and "online" in response.json()["message"]
    assert await Contact.objects.filter(pk=world.session.contact_id).aexists()
    await contact_client.disconnect()


def test_a_forged_forwarded_for_does_not_escape_the_per_address_limit(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"public_address": "3/min", "public_session": "100/min"},
    }
    root = f"/public/api/v1/inboxes/{world.other_inbox.identifier}/contacts"
    client = APIClient(REMOTE_ADDR=f"198.51.100.{next(ADDRESSES)}")
    statuses = [
        client.post(root, {}, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert statuses[:3] == [201, 201, 201] and statuses[3:] == [429, 429]


def test_forwarded_for_counts_behind_a_trusted_proxy(world, settings):
    from conversations.api.throttling import client_address

    class Fake:
        def __init__(self, remote, forwarded):
            self.META = {"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}

    assert client_address(Fake("127.0.0.1", "203.0.113.9")) == "127.0.0.1"
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_address(Fake("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    # What the client wrote itself, left of the first untrusted hop, is not believed.
    assert client_address(Fake("127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.1.1")) == "203.0.113.9"
    assert client_address(Fake("198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_a_bad_trusted_proxy_setting_fails_a_system_check(settings):
    from conversations.checks import check_trusted_proxies

    settings.TRUSTED_PROXIES = ["127.0.0.1", "not-a-network"]
    assert [e.id for e in check_trusted_proxies()] == ["carbonchat.E002"]


# Bodies and paths --------------------------------------------------------------------------


def test_a_body_over_the_upload_limit_is_a_json_413(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    agent = client_for(world.agent)
    response = agent.post(url(world, "contacts"), {"name": "x" * 5000}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "too large" in response.json()["message"]


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v2/accounts/1/x", "/public/api/v1/x"])
def test_unknown_api_paths_are_json_404(db, path):
    response = APIClient().get(path)
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "error": "not_found"}


@pytest.mark.server
@pytest.mark.redis
def test_a_chunked_body_is_read_not_taken_for_empty(world, live_server_factory):
    import socket

    server = live_server_factory()
    body = json.dumps({"name": "Chunky", "email": "chunky@example.test"}).encode()
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:10], body[10:])
    )
    request = (
        (
            f"POST /api/v1/accounts/{world.account.id}/contacts HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"api_access_token: {world.agent.agent.access_token}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        + chunks
        + b"0\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    assert status == 200, data
    contact = Contact.objects.get(email="chunky@example.test")
    assert contact.name == "Chunky"
    assert not Contact.objects.filter(account=world.account, name="", email=None).exists()
