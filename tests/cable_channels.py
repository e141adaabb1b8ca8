"""A channel that knows no domain, for testing the cable server on its own."""

from typing import Any

from realtime.channel import Channel, action
from realtime.delivery.broadcast import abroadcast


class EchoChannel(Channel):
    """``{"channel":"EchoChannel","room":R}`` follows ``room.R``; ``"allow": false`` rejects."""

    async def subscribed(self) -> None:
        if self.params.get("explode"):
            raise RuntimeError("boom in subscribed")
        if self.params.get("allow") is False:
            self.reject()
            return
        self.subscriber_key = self.params.get("who")
        await self.stream_from(f"room.{self.params.get('room', 'lobby')}")

    @action
    async def echo(self, data: dict[str, Any]) -> None:
        await self.transmit({"echo": data.get("text")})

    @action
    async def shout(self, data: dict[str, Any]) -> None:
        await abroadcast(
            [f"room.{self.params.get('room', 'lobby')}"],
            {"shout": data.get("text")},
            exclude=self.subscriber_key,
        )

    @action
    async def explode(self, data: dict[str, Any]) -> None:
        raise RuntimeError("boom in action")
