"""
``RoomChannel``: the one channel Chatwoot's clients subscribe to, authorised by pubsub tokens.

* Contact: ``{"channel":"RoomChannel","pubsub_token":T}`` with a contact session's token.
* Agent: ``{"channel":"RoomChannel","pubsub_token":T,"account_id":A,"user_id":U}`` with agent
  U's token, U a member of active account A.

Why a refusal happened is logged, never told to the client.
"""

from typing import Any

from channels.db import DatabaseSyncToAsync

from realtime import protocol
from realtime.channel import Channel, action
from realtime.delivery.batching import Batcher
from realtime.presence.tracker import PresenceTracker
from realtime.server.loop_local import LoopLocal

from . import presence
from .access import (
    AgentClaim,
    AgentGrant,
    ContactGrant,
    agent_grants,
    contact_grants,
    parse_id,
)


class Authorizer(LoopLocal):
    """This process's subscribe lookups, batched: a burst of subscribes costs a few queries.

    Not thread-sensitive: a batch runs in a worker thread of its own instead of queueing on
    the single shared thread that database_sync_to_async uses by default.
    """

    def __init__(self) -> None:
        self.agents: Batcher[AgentClaim, AgentGrant | None] = Batcher(
            DatabaseSyncToAsync(agent_grants, thread_sensitive=False), name="agent-grants"
        )
        self.contacts: Batcher[str, ContactGrant | None] = Batcher(
            DatabaseSyncToAsync(contact_grants, thread_sensitive=False), name="contact-grants"
        )


class RoomChannel(Channel):
    grant: AgentGrant | ContactGrant | None = None
    presence_session: str | None = None

    async def subscribed(self) -> None:
        grant = await self.authorize()
        if grant is None:
            self.reject()
            return
        await self._follow(grant)

    async def authorize(self) -> AgentGrant | ContactGrant | None:
        token = self.params.get("pubsub_token")
        if not isinstance(token, str) or not token or len(token) > 128:
            return None
        if "account_id" in self.params or "user_id" in self.params:
            account_id = parse_id(self.params.get("account_id"))
            user_id = parse_id(self.params.get("user_id"))
            if account_id is None or user_id is None:
                return None
            claim = AgentClaim(token=token, account_id=account_id, user_id=user_id)
            return await Authorizer.current().agents.load(claim)
        return await Authorizer.current().contacts.load(token)

    async def _follow(self, grant: AgentGrant | ContactGrant) -> None:
        self.grant = grant
        self.subscriber_key = grant.subscriber_key
        wanted = grant.streams()
        for stream in set(self.streams) - set(wanted):
            await self.stop_stream_from(stream)
        for stream in wanted:
            await self.stream_from(stream)

    async def control(self, message: dict[str, Any]) -> None:
        if message.get("op") != "reauthorize":
            return
        grant = await self.authorize()
        if grant is not None:
            await self._follow(grant)
            return
        # No longer authorised (token rotated, removed from the account): stop at once. The
        # protocol has no frame for a server-side unsubscribe, so the client is told to
        # reconnect; its re-subscribe with the dead token is then rejected.
        await self.connection.unsubscribe_server_side(self)
        await self.connection.close(protocol.REASON_UNAUTHORIZED, reconnect=True)

    # Presence ----------------------------------------------------------------------------

    def _presence_group(self) -> tuple[str, str]:
        grant = self.grant
        if isinstance(grant, AgentGrant):
            return presence.users_group(grant.account_id), str(grant.user_id)
        assert isinstance(grant, ContactGrant)
        return presence.contacts_group(grant.account_id), str(grant.contact_id)

    async def confirmed(self) -> None:
        """Online from the subscribe on; the subscriber hears the account's presence at once."""
        self.presence_session = await PresenceTracker.current().enter(*self._presence_group())
        await self._transmit_presence()

    async def unsubscribed(self) -> None:
        if self.presence_session is not None:
            PresenceTracker.current().leave(self.presence_session)
            self.presence_session = None

    @action
    async def update_presence(self, data: dict[str, Any]) -> None:
        """The client's heartbeat (every 30 s per the docs): refresh, answer with presence."""
        if self.presence_session is not None:
            await PresenceTracker.current().touch(self.presence_session)
        await self._transmit_presence()

    async def _transmit_presence(self) -> None:
        assert self.grant is not None
        _, encoded = await presence.presence_payload(
            self.grant.account_id, for_contact=isinstance(self.grant, ContactGrant)
        )
        await self.transmit_encoded(encoded)
