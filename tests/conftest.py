"""Shared fixtures: a small world of two accounts, and the cable test client."""

import shutil
from dataclasses import dataclass
from typing import Any

import pytest

from conversations.models import Account, ContactInbox, Conversation, Inbox

from . import factories as f
from .audience import Audience, agent_identifier, contact_identifier


@dataclass
class World:
    account: Account
    admin: Any  # users of the project's user model, each with an Agent
    agent: Any  # member of ``inbox`` only
    outsider: Any  # agent of the account, member of ``other_inbox`` only
    inbox: Inbox
    other_inbox: Inbox
    session: ContactInbox
    conversation: Conversation
    foreign_account: Account
    foreign_agent: Any
    foreign_session: ContactInbox


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s a user; tests make many users and test no hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_presence(settings):
    # Presence and history outlive a test (in process memory, or in Redis under the
    # deployment's prefix) while ids repeat across tests and runs: each test gets its own.
    import uuid

    settings.REALTIME = {**settings.REALTIME, "GROUP_PREFIX": f"t{uuid.uuid4().hex[:12]}"}
    from conversations.presence import forget_all_presence
    from realtime.delivery.history.store import reset_history_store
    from realtime.presence.store import reset_presence_store

    reset_presence_store()
    reset_history_store()
    forget_all_presence()
    yield
    reset_presence_store()
    reset_history_store()
    forget_all_presence()


@pytest.fixture
def world(transactional_db) -> World:
    account = f.make_account(name="Acme")
    inbox = f.make_inbox(account, name="Website")
    other_inbox = f.make_inbox(account, name="Other", channel_type=Inbox.ChannelType.API)
    admin = f.make_agent(account, role="administrator", name="Ada")
    agent = f.make_agent(account, inboxes=[inbox], name="John")
    outsider = f.make_agent(account, inboxes=[other_inbox], name="Olga")
    contact = f.make_contact(account, name="white-shadow-394")
    session = f.make_session(contact, inbox)
    conversation = f.make_conversation(session)
    foreign_account = f.make_account(name="Globex")
    foreign_inbox = f.make_inbox(foreign_account)
    foreign_agent = f.make_agent(foreign_account, role="administrator", inboxes=[foreign_inbox])
    foreign_session = f.make_session(f.make_contact(foreign_account), foreign_inbox)
    return World(
        account=account,
        admin=admin,
        agent=agent,
        outsider=outsider,
        inbox=inbox,
        other_inbox=other_inbox,
        session=session,
        conversation=conversation,
        foreign_account=foreign_account,
        foreign_agent=foreign_agent,
        foreign_session=foreign_session,
    )


@pytest.fixture
def redis_layer(settings):
    """This process and any server it starts share a real Redis channel layer (fresh prefix)."""
    from .live import new_prefix, shared_layer
    from .services import require_redis

    url = require_redis()
    prefix = new_prefix()
    settings.CHANNEL_LAYERS = shared_layer(url, prefix)
    # Servers started with this prefix name their groups (and presence keys) after it too,
    # and keep stream history in the same Redis: positions this process hands out must be
    # the ones the servers replay from.
    settings.REDIS_URL = url
    settings.REALTIME = {
        **settings.REALTIME,
        "GROUP_PREFIX": prefix,
        "HISTORY_STORE": "realtime.delivery.history.redis.RedisHistoryStore",
    }
    return url, prefix


@pytest.fixture
def live_server_factory(world, redis_layer):
    """Start real daphne processes on the test database and the shared Redis layer."""
    from .live import DaphneServer, server_environment

    servers = []

    def start(port: int | None = None, **env: str):
        server = DaphneServer({**server_environment(*redis_layer), **env}, port=port).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
async def node_client():
    from .live import NodeClient
    from .services import require_node

    clients = []

    async def start(driver: str = "driver.js"):
        client = await NodeClient.start(require_node(), driver)
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # Worker threads (subscribe lookups, concurrency tests) must not keep connections open
    # past their unit of work, or PostgreSQL refuses to drop the test database at the end.
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    # No connection pool in the test process itself: tests run ORM code in threads of their
    # own (sync_to_async) that never hand their connection back. The daphne servers the tests
    # start use the pool, as production does.
    settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)


@pytest.fixture(scope="session", autouse=True)
def close_stray_database_sessions(django_db_setup, django_db_blocker):
    """Let the test database be dropped even if a server killed with SIGKILL left a session.

    PostgreSQL refuses to drop a database with other sessions; a daphne killed by the failover
    tests can leave one for a moment.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
async def audience(world):
    """Sockets subscribed as the world's agents and contacts, each hearing what it may."""
    audience = Audience()
    await audience.add("agent", agent_identifier(world.agent, world.account))
    await audience.add("admin", agent_identifier(world.admin, world.account))
    await audience.add("outsider", agent_identifier(world.outsider, world.account))
    await audience.add("foreign", agent_identifier(world.foreign_agent, world.foreign_account))
    await audience.add("contact", contact_identifier(world.session))
    await audience.add("foreign_contact", contact_identifier(world.foreign_session))
    yield audience
    await audience.close()


@pytest.fixture
def private_redis():
    from .live import PrivateRedis
    from .services import unavailable

    if shutil.which("redis-server") is None:
        unavailable("redis-server", "install Redis (the Debian package redis-server)")
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.kill()
