"""Real subscriptions for every kind of subscriber in the test world, to see who gets what."""

import json
from typing import Any

from realtime.testing import CableTestClient

PRESENCE = frozenset({"presence.update"})


class Audience:
    """Named cable clients, each subscribed with RoomChannel as a real client would.

    Presence updates are not what these tests look at and are skipped (see test_presence.py).
    """

    def __init__(self) -> None:
        self.clients: dict[str, CableTestClient] = {}
        self.identifiers: dict[str, str] = {}

    async def add(self, name: str, identifier: dict[str, Any]) -> None:
        client = CableTestClient()
        assert await client.connect()
        reply = await client.subscribe(identifier)
        assert reply["type"] == "confirm_subscription", (name, reply)
        # Every subscriber hears the account's presence right after the confirmation.
        assert (await client.receive())["message"]["event"] == "presence.update"
        self.clients[name] = client
        self.identifiers[name] = json.dumps(identifier)

    async def expect(self, names: list[str], event: str) -> dict[str, Any]:
        """Each of ``names`` receives ``event`` next; returns the data (identical for all)."""
        datas = []
        for name in names:
            frame = await self.clients[name].receive(ignore_events=PRESENCE)
            assert frame["identifier"] == self.identifiers[name]
            assert frame["message"]["event"] == event, f"{name} got {frame['message']['event']}"
            datas.append(frame["message"]["data"])
        assert all(d == datas[0] for d in datas), "recipients saw different payloads"
        return datas[0]

    async def silent(self, names: list[str]) -> None:
        for name in names:
            assert await self.clients[name].receive_nothing(0.15, ignore_events=PRESENCE), name

    async def close(self) -> None:
        for client in self.clients.values():
            await client.disconnect()


def agent_identifier(user, account) -> dict[str, Any]:
    return {
        "channel": "RoomChannel",
        "pubsub_token": user.agent.pubsub_token,
        "account_id": account.id,
        "user_id": user.id,
    }


def contact_identifier(session) -> dict[str, Any]:
    return {"channel": "RoomChannel", "pubsub_token": session.pubsub_token}
