"""The actioncable-v1-json protocol as the stock client sees it, on a domain-free channel."""

import json

import pytest

from realtime.delivery.broadcast import abroadcast
from realtime.server.hub import Hub
from realtime.testing import CableTestClient

ROOM = {"channel": "EchoChannel", "room": "a"}


@pytest.fixture(autouse=True)
def echo_channel(settings):
    settings.REALTIME = {
        **settings.REALTIME,
        "CHANNELS": {"EchoChannel": "tests.cable_channels.EchoChannel"},
        "PING_INTERVAL": 0.05,
    }


async def connected(**kwargs) -> CableTestClient:
    client = CableTestClient(**kwargs)
    assert await client.connect()
    return client


async def test_handshake_picks_actioncable_v1_json_and_welcomes():
    client = CableTestClient(subprotocols=["actioncable-v1-json", "actioncable-unsupported"])
    assert await client.connect()
    assert client.subprotocol == "actioncable-v1-json"
    await client.disconnect()


async def test_a_client_offering_only_unknown_subprotocols_is_refused():
    client = CableTestClient(subprotocols=["graphql-ws"])
    assert await client.connect(expect_welcome=False) is False


async def test_a_raw_websocket_without_subprotocol_is_served_like_the_docs_example():
    client = CableTestClient(subprotocols=[])
    assert await client.connect()
    assert client.subprotocol is None
    assert (await client.subscribe(ROOM))["type"] == "confirm_subscription"
    await client.disconnect()


async def test_pings_carry_unix_seconds():
    client = await connected()
    frame = json.loads(await client.receive_text())
    assert frame["type"] == "ping" and isinstance(frame["message"], int)
    assert frame["message"] > 1_600_000_000
    await client.disconnect()


async def test_identifier_is_echoed_byte_for_byte():
    odd = '{ "room" : "a",   "channel":"EchoChannel" }'
    client = await connected()
    reply = await client.subscribe(odd)
    assert reply == {"identifier": odd, "type": "confirm_subscription"}
    await abroadcast(["room.a"], {"n": 1})
    frame = await client.receive()
    assert frame == {"identifier": odd, "message": {"n": 1}}
    await client.disconnect()


async def test_a_repeated_subscribe_is_confirmed_again_and_delivers_once():
    client = await connected()
    assert (await client.subscribe(ROOM))["type"] == "confirm_subscription"
    assert (await client.subscribe(ROOM))["type"] == "confirm_subscription"
    await abroadcast(["room.a"], {"n": 1})
    assert (await client.receive())["message"] == {"n": 1}
    assert await client.receive_nothing()
    await client.disconnect()


@pytest.mark.parametrize(
    "identifier",
    [
        json.dumps({"channel": "NoSuchChannel"}),
        json.dumps({"room": "a"}),
        "not json",
        json.dumps(["EchoChannel"]),
        json.dumps({"channel": "EchoChannel", "allow": False}),
        json.dumps({"channel": "EchoChannel", "explode": True}),
        None,
        42,
    ],
    ids=["unknown", "no-channel", "not-json", "not-object", "refused", "raises", "null", "int"],
)
async def test_bad_subscribes_are_rejected_with_the_identifier_echoed(identifier):
    client = await connected()
    frame = {"command": "subscribe"}
    if identifier is not None:
        frame["identifier"] = identifier
    await client.send_raw(json.dumps(frame))
    reply = await client.receive()
    assert reply == {"identifier": identifier, "type": "reject_subscription"}
    # Still usable afterwards.
    assert (await client.subscribe(ROOM))["type"] == "confirm_subscription"
    await client.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        "{not json",
        json.dumps({"command": "dance", "identifier": json.dumps(ROOM)}),
        json.dumps(["subscribe"]),
        json.dumps(
            {
                "command": "message",
                "identifier": json.dumps({"channel": "EchoChannel"}),
                "data": json.dumps({"action": "echo"}),
            }
        ),
        json.dumps({"command": "unsubscribe", "identifier": json.dumps({"channel": "X"})}),
        json.dumps(
            {
                "command": "message",
                "identifier": json.dumps(ROOM),
                "data": json.dumps({"action": "no_such_action"}),
            }
        ),
        json.dumps({"command": "message", "identifier": json.dumps(ROOM), "data": "{bad"}),
        json.dumps(
            {
                "command": "message",
                "identifier": json.dumps(ROOM),
                "data": json.dumps({"action": "explode"}),
            }
        ),
        "[" * 100_000 + "]" * 100_000,
    ],
    ids=[
        "bad-json",
        "unknown-command",
        "not-object",
        "message-unsubscribed",
        "unsubscribe-unknown",
        "unknown-action",
        "bad-data",
        "action-raises",
        "deep-nesting",
    ],
)
async def test_frames_without_an_answer_are_ignored_and_the_connection_stays_usable(
    frame, settings
):
    settings.REALTIME = {**settings.REALTIME, "MAX_FRAME_BYTES": 1_000_000}
    client = await connected()
    assert (await client.subscribe(ROOM))["type"] == "confirm_subscription"
    await client.send_raw(frame)
    assert await client.receive_nothing()
    await client.perform(ROOM, "echo", text="still here")
    assert (await client.receive())["message"] == {"echo": "still here"}
    await client.disconnect()


async def test_a_binary_frame_is_ignored():
    client = await connected()
    await client.communicator.send_to(bytes_data=b"\x00\x01")
    assert await client.receive_nothing()
    assert (await client.subscribe(ROOM))["type"] == "confirm_subscription"
    await client.disconnect()


async def test_broadcasts_reach_followers_only_and_skip_the_excluded():
    alice, bob, other = await connected(), await connected(), await connected()
    await alice.subscribe({**ROOM, "who": "alice"})
    await bob.subscribe({**ROOM, "who": "bob"})
    await other.subscribe({"channel": "EchoChannel", "room": "b"})
    await alice.perform({**ROOM, "who": "alice"}, "shout", text="hi")
    assert (await bob.receive())["message"] == {"shout": "hi"}
    assert await alice.receive_nothing()
    assert await other.receive_nothing()
    for client in (alice, bob, other):
        await client.disconnect()


async def test_unsubscribe_stops_delivery_and_frees_the_stream():
    client = await connected()
    await client.subscribe(ROOM)
    hub = Hub.current()
    assert hub.stats()["streams"] == 1
    await client.unsubscribe(ROOM)
    await client.perform(ROOM, "echo", text="x")  # no longer subscribed: ignored
    await abroadcast(["room.a"], {"n": 1})
    assert await client.receive_nothing()
    assert hub.stats() == {"connections": 1, "streams": 0, "subscriptions": 0}
    await client.disconnect()


async def test_disconnect_frees_everything():
    clients = [await connected() for _ in range(3)]
    for n, client in enumerate(clients):
        await client.subscribe({"channel": "EchoChannel", "room": f"r{n}"})
        await client.subscribe(ROOM)
    hub = Hub.current()
    assert hub.stats() == {"connections": 3, "streams": 4, "subscriptions": 6}
    for client in clients:
        await client.disconnect()
    assert hub.stats() == {"connections": 0, "streams": 0, "subscriptions": 0}


async def test_a_frame_over_the_size_limit_gets_a_disconnect_frame(settings):
    settings.REALTIME = {**settings.REALTIME, "MAX_FRAME_BYTES": 1024}
    client = await connected()
    await client.send_command("subscribe", json.dumps({**ROOM, "pad": "x" * 2000}))
    assert await client.receive() == {
        "type": "disconnect",
        "reason": "frame_too_large",
        "reconnect": False,
    }
    assert (await client.receive_output())["type"] == "websocket.close"


async def test_subscriptions_past_the_limit_are_rejected(settings):
    settings.REALTIME = {**settings.REALTIME, "MAX_SUBSCRIPTIONS": 2}
    client = await connected()
    assert (await client.subscribe({**ROOM, "room": "1"}))["type"] == "confirm_subscription"
    assert (await client.subscribe({**ROOM, "room": "2"}))["type"] == "confirm_subscription"
    assert (await client.subscribe({**ROOM, "room": "3"}))["type"] == "reject_subscription"
    await client.disconnect()


async def test_commands_past_the_rate_limit_get_a_disconnect_frame(settings):
    settings.REALTIME = {**settings.REALTIME, "COMMAND_RATE": 1, "COMMAND_BURST": 5}
    client = await connected()
    await client.subscribe(ROOM)
    for _ in range(10):
        await client.perform(ROOM, "no_such_action")
    assert await client.receive() == {
        "type": "disconnect",
        "reason": "too_many_commands",
        "reconnect": True,
    }


async def test_a_disallowed_origin_is_told_unauthorized(settings):
    settings.REALTIME = {**settings.REALTIME, "ALLOWED_ORIGINS": ["https://app.example.com"]}
    client = CableTestClient(headers=[(b"origin", b"https://evil.example.com")])
    assert await client.connect(expect_welcome=False)
    assert await client.receive() == {
        "type": "disconnect",
        "reason": "unauthorized",
        "reconnect": False,
    }
    good = CableTestClient(headers=[(b"origin", b"https://app.example.com")])
    assert await good.connect()
    await good.disconnect()


async def test_a_huge_fan_out_is_sliced_without_holding_up_other_streams(monkeypatch):
    import realtime.server.hub as hub

    # Any broadcast to room "a" counts as huge here, and is written one socket at a time.
    monkeypatch.setattr(hub, "LARGE_FANOUT_BYTES", 50)
    monkeypatch.setattr(hub, "FANOUT_SLICE", 1)
    room_a = [await connected() for _ in range(3)]
    for client in room_a:
        await client.subscribe(ROOM)
    room_b = await connected()
    await room_b.subscribe({"channel": "EchoChannel", "room": "b"})
    await abroadcast(["room.a"], {"big": "x" * 100})
    await abroadcast(["room.a"], {"small": 1})  # short, but queued behind the big one
    await abroadcast(["room.b"], {"other": 1})
    assert (await room_b.receive())["message"] == {"other": 1}
    for client in room_a:
        assert (await client.receive())["message"] == {"big": "x" * 100}
        assert (await client.receive())["message"] == {"small": 1}  # order kept in a stream
        assert await client.receive_nothing()
    assert Hub.current()._backlog == {}
    for client in (*room_a, room_b):
        await client.disconnect()
