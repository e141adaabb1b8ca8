"""
Presence: the stores (both backends, time controlled by a fake clock), the rules of who is
online, what presence.update carries to whom, and pushes on change, coalesced.
"""

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from conversations.models import AccountUser
from realtime.presence.memory import MemoryPresenceStore
from realtime.presence.redis import RedisPresenceStore
from realtime.presence.store import presence_store
from realtime.presence.tracker import PresenceTracker
from realtime.testing import CableTestClient

from .audience import agent_identifier, contact_identifier
from .services import require_redis


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def store(request):
    clock = Clock()
    if request.param == "memory":
        return MemoryPresenceStore(clock=clock)
    return RedisPresenceStore(clock=clock, url=require_redis(), prefix=f"t{uuid.uuid4().hex}")


# Stores -------------------------------------------------------------------------------------


async def test_a_member_is_online_while_any_session_lives(store):
    assert await store.add("g", "7", "s1", ttl=90) is True
    assert await store.add("g", "7", "s2", ttl=90) is False  # already online
    assert await store.members("g") == {"7"}
    assert await store.remove("g", "7", "s1") is False  # s2 still lives
    assert await store.members("g") == {"7"}
    assert await store.remove("g", "7", "s2") is True
    assert await store.members("g") == set()


async def test_sessions_expire_unless_refreshed_and_sweep_reports_who_left(store):
    await store.add("g", "1", "a", ttl=90)
    await store.add("g", "2", "b", ttl=90)
    store.clock.now += 60
    await store.refresh([("g", "1", "a")], ttl=90)
    store.clock.now += 60  # "2" was last seen 120 s ago, "1" 60 s ago
    assert await store.members("g") == {"1"}
    assert await store.sweep() == {"g": {"2"}}
    assert await store.sweep() == {}  # announced once
    assert await store.add("g", "2", "c", ttl=90) is True  # back online is news again


async def test_attributes_load_once_then_update(store):
    assert await store.attributes("prefs") is None
    await store.set_attributes("prefs", {"1": "busy:1"})  # not loaded: ignored
    assert await store.attributes("prefs") is None
    await store.set_attributes("prefs", {"1": "online:1", "2": "busy:0"}, replace=True)
    await store.set_attributes("prefs", {"1": "offline:1"})
    assert await store.attributes("prefs") == {"1": "offline:1", "2": "busy:0"}


# The tracker --------------------------------------------------------------------------------


async def test_an_open_socket_is_never_offline_however_rare_its_heartbeats(settings):
    settings.REALTIME = {**settings.REALTIME, "PRESENCE_TTL": 90.0}
    tracker = PresenceTracker.current()
    tracker.store.clock = clock = Clock()
    session = await tracker.enter("account.1.users", "5")
    for _ in range(10):  # ten minutes, no heartbeat, the server's timer refreshing every 30 s
        clock.now += 30
        await tracker.refresh()
        assert await tracker.store.members("account.1.users") == {"5"}
    tracker.leave(session)


async def test_a_crashed_process_subscribers_go_offline_after_the_ttl(settings):
    tracker = PresenceTracker.current()
    tracker.store.clock = clock = Clock()
    # A session entered by another process that then died: nobody refreshes it.
    await tracker.store.add("account.1.contacts", "9", "dead-process-session", ttl=90)
    clock.now += 89
    assert await tracker.store.members("account.1.contacts") == {"9"}
    clock.now += 2
    assert await tracker.store.members("account.1.contacts") == set()


# What subscribers hear ----------------------------------------------------------------------


@pytest.fixture
def quick_presence(settings):
    settings.REALTIME = {**settings.REALTIME, "PRESENCE_GRACE": 0.05, "PRESENCE_COALESCE": 0.1}


async def subscribed(identifier) -> tuple[CableTestClient, dict]:
    client = CableTestClient()
    assert await client.connect()
    assert (await client.subscribe(identifier))["type"] == "confirm_subscription"
    frame = await client.receive()
    assert frame["message"]["event"] == "presence.update"
    return client, frame["message"]["data"]


async def next_presence(client: CableTestClient, timeout: float = 3.0) -> dict:
    frame = await client.receive(timeout)
    assert frame["message"]["event"] == "presence.update", frame
    return frame["message"]["data"]


async def until_presence(client: CableTestClient, accept, timeout: float = 3.0) -> dict:
    """Presence updates until one satisfies ``accept`` (answers may be 50 ms old; pushes follow)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        data = await next_presence(client, max(deadline - loop.time(), 0.01))
        if accept(data):
            return data


async def test_subscribers_hear_presence_on_subscribe_agents_all_contacts_agents_only(
    world, quick_presence
):
    agent, data = await subscribed(agent_identifier(world.agent, world.account))
    assert set(data) == {"account_id", "users", "contacts"}
    assert data["account_id"] == world.account.id
    me = str(world.agent.id)
    data = await until_presence(agent, lambda d: me in d["users"])
    assert data == {"account_id": world.account.id, "users": {me: "online"}, "contacts": {}}
    contact, data = await subscribed(contact_identifier(world.session))
    assert set(data) == {"account_id", "users"}  # contacts never learn about other contacts
    assert data["users"] == {me: "online"}
    # The agent hears the contact arrive, in one coalesced push.
    pushed = await until_presence(agent, lambda d: d["contacts"])
    assert pushed["contacts"] == {str(world.session.contact_id): "online"}
    # Nothing of another account.
    assert str(world.foreign_agent.id) not in pushed["users"]
    for client in (agent, contact):
        await client.disconnect()


async def test_leaving_is_pushed_after_the_grace_and_reloads_do_not_blip(world, quick_presence):
    agent, _ = await subscribed(agent_identifier(world.agent, world.account))
    contact, _ = await subscribed(contact_identifier(world.session))
    await until_presence(agent, lambda d: str(world.session.contact_id) in d["contacts"])
    # A reload: the old socket closes and a new one subscribes at once.
    await contact.disconnect()
    contact, _ = await subscribed(contact_identifier(world.session))
    assert await agent.receive_nothing(0.3)  # still online: nothing to announce
    await contact.disconnect()
    assert (await next_presence(agent))["contacts"] == {}
    await agent.disconnect()


async def test_update_presence_is_answered_with_presence(world, quick_presence):
    ident = contact_identifier(world.session)
    contact, _ = await subscribed(ident)
    await contact.perform(ident, "update_presence")
    assert "contacts" not in await next_presence(contact)
    await contact.disconnect()


async def test_a_burst_of_arrivals_is_one_push(world, settings):
    from . import factories as f

    settings.REALTIME = {**settings.REALTIME, "PRESENCE_COALESCE": 0.5}
    sessions = await sync_to_async(
        lambda: [f.make_session(f.make_contact(world.account), world.inbox) for _ in range(5)]
    )()
    agent, _ = await subscribed(agent_identifier(world.admin, world.account))
    clients = [(await subscribed(contact_identifier(s)))[0] for s in sessions]
    pushed = await until_presence(agent, lambda d: d["contacts"])
    assert len(pushed["contacts"]) == 5  # all five arrivals in the one push
    assert await agent.receive_nothing(0.6)
    for client in [agent, *clients]:
        await client.disconnect()


async def test_auto_offline_and_chosen_availability(world, quick_presence):
    membership = await AccountUser.objects.aget(user=world.agent, account=world.account)
    membership.availability = "busy"
    membership.auto_offline = False
    await membership.asave()
    admin, _ = await subscribed(agent_identifier(world.admin, world.account))
    # Not connected, auto_offline off: the chosen "busy" shows. The outsider (auto_offline on,
    # not connected) does not; the admin is connected and online.
    data = await until_presence(admin, lambda d: str(world.admin.id) in d["users"])
    assert data["users"] == {str(world.agent.id): "busy", str(world.admin.id): "online"}
    await admin.disconnect()


async def test_availability_changes_are_pushed_to_agents_and_contacts(world, quick_presence):
    admin, _ = await subscribed(agent_identifier(world.admin, world.account))
    contact, _ = await subscribed(contact_identifier(world.session))
    await until_presence(admin, lambda d: d["contacts"])  # the contact arrived
    await until_presence(contact, lambda d: str(world.admin.id) in d["users"])
    client = APIClient()
    client.credentials(HTTP_API_ACCESS_TOKEN=world.admin.agent.access_token)
    response = await sync_to_async(client.post)(
        "/api/v1/profile/availability",
        {"account_id": world.account.id, "availability": "busy"},
        format="json",
    )
    assert response.status_code == 200
    admin_id = str(world.admin.id)
    await until_presence(admin, lambda d: d["users"].get(admin_id) == "busy")
    seen_by_contact = await until_presence(contact, lambda d: d["users"].get(admin_id) == "busy")
    assert "contacts" not in seen_by_contact
    for c in (admin, contact):
        await c.disconnect()


async def test_user_payloads_in_events_carry_the_same_status(world, quick_presence):
    from conversations.events.payloads import user_payload

    status = await sync_to_async(lambda: user_payload(world.agent, world.account.id))()
    assert status["availability_status"] == "offline"  # auto_offline on, not connected
    agent, _ = await subscribed(agent_identifier(world.agent, world.account))
    status = await sync_to_async(lambda: user_payload(world.agent, world.account.id))()
    assert status["availability_status"] == "online"
    await agent.disconnect()


async def test_the_keeper_timer_refreshes_live_sessions(world, settings):
    settings.REALTIME = {**settings.REALTIME, "PRESENCE_TTL": 0.3, "PRESENCE_SWEEP_INTERVAL": 0.1}
    contact, _ = await subscribed(contact_identifier(world.session))
    group = f"account.{world.account.id}.contacts"
    for _ in range(8):  # 0.8 s: the TTL passes more than twice, the server keeps it alive
        await asyncio.sleep(0.1)
        assert await presence_store().members(group) == {str(world.session.contact_id)}
    await contact.disconnect()


async def test_a_batch_of_adds_reports_each_member_coming_online_once(store):
    # Two tabs of member 7 subscribing in the same batch: only the first brings it online.
    assert await store.add_many(
        [("g", "7", "a"), ("g", "8", "b"), ("g", "7", "c"), ("h", "7", "d")], ttl=90
    ) == [True, True, False, True]
    assert await store.members("g") == {"7", "8"}
    assert await store.remove("g", "7", "a") is False  # session c keeps 7 online
    assert await store.add_many([("g", "8", "e")], ttl=90) == [False]


async def test_sliced_refreshes_cover_every_session_once_per_period(settings):
    from realtime.presence.tracker import REFRESH_SLICES

    settings.REALTIME = {**settings.REALTIME, "PRESENCE_TTL": 90.0}
    tracker = PresenceTracker.current()
    tracker.store.clock = clock = Clock()
    sessions = [await tracker.enter("account.1.users", str(n)) for n in range(40)]
    for _ in range(4):  # four periods, no heartbeats: only the keeper's slices keep them
        for part in range(REFRESH_SLICES):
            clock.now += 30 / REFRESH_SLICES
            await tracker.refresh(part=part, of=REFRESH_SLICES)
        assert await tracker.store.members("account.1.users") == {str(n) for n in range(40)}
    for session in sessions:
        tracker.leave(session)
