"""
A test client that speaks the cable protocol in-process, over Channels' WebsocketCommunicator.

    client = CableTestClient()
    await client.connect()                      # asserts the welcome frame
    reply = await client.subscribe({"channel": "RoomChannel", "pubsub_token": token})
    frame = await client.receive()              # next frame that is not a ping
"""

import asyncio
import json
from typing import Any

from channels.testing import WebsocketCommunicator

from realtime import protocol
from realtime.server.connection import CableConnection


def _event_of(frame: dict[str, Any]) -> Any:
    message = frame.get("message")
    return message.get("event") if isinstance(message, dict) else None


def identifier_of(params: dict[str, Any] | str) -> str:
    return params if isinstance(params, str) else json.dumps(params)


class CableTestClient:
    def __init__(
        self,
        application: Any = None,
        *,
        path: str = "/cable",
        subprotocols: list[str] | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        self.communicator = WebsocketCommunicator(
            application or CableConnection.as_asgi(),
            path,
            headers=headers,
            subprotocols=[protocol.SUBPROTOCOL] if subprotocols is None else subprotocols,
        )
        self.subprotocol: str | None = None

    async def connect(self, *, expect_welcome: bool = True) -> bool:
        connected, subprotocol = await self.communicator.connect()
        self.subprotocol = subprotocol if connected else None
        if connected and expect_welcome:
            assert await self.receive() == {"type": "welcome"}
        return connected

    async def send_raw(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def send_command(self, command: str, identifier: Any, data: Any = None) -> None:
        frame: dict[str, Any] = {"command": command, "identifier": identifier}
        if data is not None:
            frame["data"] = data
        await self.send_raw(json.dumps(frame))

    async def subscribe(self, params: dict[str, Any] | str) -> dict[str, Any]:
        """Subscribe and return the confirm or reject frame."""
        identifier = identifier_of(params)
        await self.send_command("subscribe", identifier)
        return await self.receive(types={"confirm_subscription", "reject_subscription"})

    async def unsubscribe(self, params: dict[str, Any] | str) -> None:
        await self.send_command("unsubscribe", identifier_of(params))

    async def perform(self, params: dict[str, Any] | str, action: str, **data: Any) -> None:
        await self.send_command(
            "message", identifier_of(params), json.dumps({"action": action, **data})
        )

    async def receive_text(self, timeout: float = 2.0) -> str:
        return await self.communicator.receive_from(timeout)

    async def receive(
        self,
        timeout: float = 2.0,
        *,
        types: set[str] | None = None,
        ignore_events: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """The next frame that is not a ping (and, with ``types``, of one of those types).

        Broadcasts whose ``message.event`` is in ``ignore_events`` are skipped.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = max(deadline - loop.time(), 0.001)
            frame = json.loads(await self.communicator.receive_from(remaining))
            if frame.get("type") == "ping":
                continue
            if types is not None and frame.get("type") not in types:
                continue
            if _event_of(frame) in ignore_events:
                continue
            return frame

    async def receive_nothing(
        self, timeout: float = 0.2, *, ignore_events: frozenset[str] = frozenset()
    ) -> bool:
        """True when no frame other than pings (and ``ignore_events``) arrives in ``timeout``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (remaining := deadline - loop.time()) > 0:
            if await self.communicator.receive_nothing(remaining):
                return True
            frame = json.loads(await self.communicator.receive_from())
            if frame.get("type") != "ping" and _event_of(frame) not in ignore_events:
                raise AssertionError(f"expected nothing, received {frame}")
        return True

    async def receive_output(self, timeout: float = 2.0) -> dict[str, Any]:
        """The next raw ASGI message (to see ``websocket.close``)."""
        return await self.communicator.receive_output(timeout)

    async def disconnect(self) -> None:
        await self.communicator.disconnect()
