"""
Resumable delivery over AnyCable's extended protocol (actioncable-v1-ext-json): positions on
broadcasts, history replay, session restore; plain actioncable-v1-json clients unchanged.
"""

import json
import time

import pytest

from conversations import streams
from realtime.delivery.broadcast import abroadcast
from realtime.testing import CableTestClient

from .audience import contact_identifier

EXT = "actioncable-v1-ext-json"
PRESENCE = frozenset({"presence.update"})


async def ext_client(path: str = "/cable") -> tuple[CableTestClient, dict]:
    client = CableTestClient(path=path, subprotocols=[EXT, "actioncable-v1-json"])
    assert await client.connect(expect_welcome=False)
    assert client.subprotocol == EXT
    welcome = await client.receive()
    assert welcome["type"] == "welcome" and len(welcome["sid"]) >= 16
    return client, welcome


async def subscribe(client: CableTestClient, identifier: dict, **extra) -> None:
    frame = {"command": "subscribe", "identifier": json.dumps(identifier), **extra}
    await client.send_raw(json.dumps(frame))
    reply = await client.receive(types={"confirm_subscription", "reject_subscription"})
    assert reply["type"] == "confirm_subscription"


async def ask_history(client: CableTestClient, identifier: dict, history: dict) -> None:
    """What @anycable/web sends to catch up: the ``history`` command."""
    frame = {"command": "history", "identifier": json.dumps(identifier), "history": history}
    await client.send_raw(json.dumps(frame))


async def events(client: CableTestClient, count: int) -> list[dict]:
    return [await client.receive(ignore_events=PRESENCE) for _ in range(count)]


async def send(world, n: int) -> None:
    await abroadcast(
        [streams.contact_session(world.session.id)], {"event": "message.created", "data": {"n": n}}
    )


async def test_broadcasts_carry_positions_for_ext_clients_only(world):
    ext, _ = await ext_client()
    await subscribe(ext, contact_identifier(world.session))
    plain = CableTestClient()
    assert await plain.connect()
    await plain.subscribe(contact_identifier(world.session))
    await send(world, 1)
    [frame] = await events(ext, 1)
    assert frame["stream_id"] == streams.contact_session(world.session.id)
    assert isinstance(frame["epoch"], str) and isinstance(frame["offset"], int)
    await send(world, 2)
    [second] = await events(ext, 1)
    assert second["offset"] == frame["offset"] + 1 and second["epoch"] == frame["epoch"]
    [plain_frame, _] = await events(plain, 2)
    assert set(plain_frame) == {"identifier", "message"}  # exactly the frame it always saw
    await ext.disconnect()
    await plain.disconnect()


async def test_history_replays_what_was_missed_in_order(world):
    ident = contact_identifier(world.session)
    client, _ = await ext_client()
    await subscribe(client, ident)
    for n in range(1, 6):
        await send(world, n)
    frames = await events(client, 5)
    seen = frames[1]  # the client saw up to n=2, say, and missed the rest
    await ask_history(
        client,
        ident,
        {"streams": {seen["stream_id"]: {"epoch": seen["epoch"], "offset": seen["offset"]}}},
    )
    replayed = await events(client, 4)
    assert [f["message"]["data"]["n"] for f in replayed[:3]] == [3, 4, 5]
    assert [f["offset"] for f in replayed[:3]] == [seen["offset"] + k for k in (1, 2, 3)]
    assert replayed[3] == {"identifier": json.dumps(ident), "type": "confirm_history"}
    await client.disconnect()


async def test_history_from_another_epoch_or_beyond_the_limit_is_rejected(world, settings):
    settings.REALTIME = {**settings.REALTIME, "HISTORY_LIMIT": 3}
    ident = contact_identifier(world.session)
    client, _ = await ext_client()
    await subscribe(client, ident)
    for n in range(1, 7):
        await send(world, n)
    frames = await events(client, 6)
    stream, epoch = frames[0]["stream_id"], frames[0]["epoch"]
    for position in ({"epoch": "another-epoch", "offset": 5}, {"epoch": epoch, "offset": 1}):
        await ask_history(client, ident, {"streams": {stream: position}})
        assert await client.receive() == {"identifier": json.dumps(ident), "type": "reject_history"}
    await client.disconnect()


async def test_subscribe_with_history_since_a_time(world):
    ident = contact_identifier(world.session)
    since = time.time()
    for n in range(1, 4):
        await send(world, n)  # before anyone listens; kept in the stream's history
    client, _ = await ext_client()
    await subscribe(client, ident, history={"since": since, "streams": {}})
    frames = await events(client, 4)
    assert [f["message"]["data"]["n"] for f in frames[:3]] == [1, 2, 3]
    assert frames[3]["type"] == "confirm_history"
    await client.disconnect()


async def test_a_session_is_restored_with_its_sid(world):
    ident = contact_identifier(world.session)
    first, welcome = await ext_client()
    await subscribe(first, ident)
    await first.disconnect()
    away_since = time.time()
    await send(world, 6)  # missed while away
    second, restored = await ext_client(path=f"/cable?sid={welcome['sid']}")
    assert restored["restored"] is True and restored["restored_ids"] == [json.dumps(ident)]
    await send(world, 7)  # live, but held until the client has caught up
    # As @anycable/web does right after a restored welcome: ask for what was missed.
    await ask_history(second, ident, {"since": away_since})
    replayed = []
    while (frame := await second.receive(ignore_events=PRESENCE)).get("type") != (
        "confirm_history"
    ):
        replayed.append(frame["message"])
    # What the stream kept since the client went away, in order: the missed n=6, and n=7,
    # already in history when it was read.
    assert [m["data"].get("n") for m in replayed] == [6, 7]
    # The live copy of n=7 is not sent again.
    assert await second.receive_nothing(0.3, ignore_events=PRESENCE)
    await second.disconnect()
    # A sid restores once.
    third, again = await ext_client(path=f"/cable?sid={welcome['sid']}")
    assert "restored" not in again
    await third.disconnect()


async def test_restore_authorises_again(world):
    from conversations.models import ContactInbox

    ident = contact_identifier(world.session)
    first, welcome = await ext_client()
    await subscribe(first, ident)
    await first.disconnect()
    await ContactInbox.objects.filter(pk=world.session.pk).adelete()
    second, restored = await ext_client(path=f"/cable?sid={welcome['sid']}")
    assert restored["restored"] is True and restored["restored_ids"] == []
    await second.disconnect()


@pytest.mark.parametrize("request_body", [None, "x", {"streams": []}, {"streams": {"s": 1}}])
async def test_malformed_history_requests_are_answered(world, request_body):
    ident = contact_identifier(world.session)
    client, _ = await ext_client()
    await subscribe(client, ident)
    await client.send_raw(
        json.dumps({"command": "history", "identifier": json.dumps(ident), "history": request_body})
    )
    reply = await client.receive(ignore_events=PRESENCE)
    assert reply["type"] in {"confirm_history", "reject_history"}
    await client.disconnect()


async def test_after_the_history_epoch_changes_new_messages_still_arrive(world):
    """A replay remembers positions per epoch: a history store that restarted (Redis restart,
    flush, failover) numbers offsets from 1 again, and those must not be taken for replayed."""
    from realtime.delivery.history.store import history_store, reset_history_store

    ident = contact_identifier(world.session)
    client, _ = await ext_client()
    await subscribe(client, ident)
    for n in range(1, 6):
        await send(world, n)
    frames = await events(client, 5)
    seen = frames[0]
    await ask_history(
        client,
        ident,
        {"streams": {seen["stream_id"]: {"epoch": seen["epoch"], "offset": seen["offset"]}}},
    )
    replayed = await events(client, 5)
    assert replayed[-1]["type"] == "confirm_history"
    # The history store loses everything (a Redis restart or flush; a new process in memory):
    # a new epoch, offsets from 1.
    store = history_store()
    if hasattr(store, "redis"):
        stream = seen["stream_id"]
        await store.redis.delete(
            f"{store.prefix}:epoch", f"{store.prefix}:n:{stream}", f"{store.prefix}:s:{stream}"
        )
    reset_history_store()
    for n in range(6, 16):
        await send(world, n)
    after = await events(client, 10)
    assert [f["message"]["data"]["n"] for f in after] == list(range(6, 16))
    assert after[0]["epoch"] != seen["epoch"] and after[0]["offset"] == 1
    await client.disconnect()


async def test_a_stolen_sid_restores_nothing_for_another_client(world):
    ident = contact_identifier(world.session)
    browser = [(b"origin", b"https://shop.example"), (b"user-agent", b"Browser/1.0")]
    first = CableTestClient(subprotocols=[EXT], headers=browser)
    assert await first.connect(expect_welcome=False)
    welcome = await first.receive()
    await subscribe(first, ident)
    await first.disconnect()
    thief = CableTestClient(
        path=f"/cable?sid={welcome['sid']}",
        subprotocols=[EXT],
        headers=[(b"origin", b"https://evil.example"), (b"user-agent", b"curl/8")],
    )
    assert await thief.connect(expect_welcome=False)
    stolen = await thief.receive()
    assert "restored" not in stolen and "restored_ids" not in stolen
    assert world.session.pubsub_token not in json.dumps(stolen)
    await thief.disconnect()
    # The attempt spent it: the owner re-subscribes as after any lost session.
    owner = CableTestClient(
        path=f"/cable?sid={welcome['sid']}", subprotocols=[EXT], headers=browser
    )
    assert await owner.connect(expect_welcome=False)
    assert "restored" not in await owner.receive()
    await owner.disconnect()


async def test_broadcasts_the_channel_layer_never_brought_are_delivered_from_history(world):
    """After Redis comes back, what was published before the layer re-subscribed reached no
    process, but history has it: the next broadcast on the stream brings it along, in order,
    to plain and extended clients alike."""
    from realtime.delivery.broadcast import encode
    from realtime.delivery.history.store import history_store
    from realtime.server.hub import Hub

    stream = streams.contact_session(world.session.id)
    plain = CableTestClient()
    assert await plain.connect()
    await plain.subscribe(contact_identifier(world.session))
    ext, _ = await ext_client()
    await subscribe(ext, contact_identifier(world.session))
    await send(world, 1)
    store = history_store()
    for n in (2, 3):  # in history, but their channel-layer messages went nowhere
        await store.append([stream], encode({"event": "message.created", "data": {"n": n}}))
    await send(world, 4)
    for client in (plain, ext):
        frames = await events(client, 4)
        assert [f["message"]["data"]["n"] for f in frames] == [1, 2, 3, 4]
    offsets = [f["offset"] for f in frames]
    assert offsets == list(range(offsets[0], offsets[0] + 4))
    assert Hub.current().caught_up == 2
    # Nothing twice: a late copy of a message already delivered from history is dropped.
    await send(world, 5)
    assert [f["message"]["data"]["n"] for f in await events(plain, 1)] == [5]
    await plain.disconnect()
    await ext.disconnect()
