"""
The least an ActionCable server can do, as an ASGI app: the floor under ``cable_bench``.

It accepts ``actioncable-v1-json``, sends the welcome and confirms every subscribe, with no
authorisation, presence, streams or pings. Served by daphne (``scripts/bench --bare``), it shows
what daphne's own handshake and framing cost on a machine, so CarbonChat's subscribe figures
can be read against the server underneath them. Never route real traffic to it.
"""

import json
from typing import Any

WELCOME = '{"type":"welcome"}'


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "websocket":
        return
    if (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept", "subprotocol": "actioncable-v1-json"})
    await send({"type": "websocket.send", "text": WELCOME})
    while True:
        message = await receive()
        if message["type"] != "websocket.receive":
            return
        try:
            command = json.loads(message.get("text") or "")
        except ValueError:
            continue
        if isinstance(command, dict) and command.get("command") == "subscribe":
            reply = {"identifier": command.get("identifier"), "type": "confirm_subscription"}
            await send({"type": "websocket.send", "text": json.dumps(reply)})
