"""No credential in a log line: daphne's access log and Django's warnings, from a real server."""

import json
import urllib.error
from urllib.request import urlopen

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from .live import SocketClient

pytestmark = [pytest.mark.server, pytest.mark.redis]


def get(server, path: str) -> int:
    try:
        with urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def test_source_ids_and_query_tokens_never_reach_the_logs(world, live_server_factory):
    server = live_server_factory()
    root = f"/public/api/v1/inboxes/{world.other_inbox.identifier}/contacts"
    client = APIClient()
    created = (await sync_to_async(client.post)(root, {"name": "Visitor"}, format="json")).json()
    source_id = created["source_id"]
    assert get(server, f"{root}/{source_id}") == 200
    assert get(server, f"{root}/{source_id}/conversations/999999") == 404  # Django warns
    assert get(server, f"{root}/{source_id}?pubsub_token=SECRET-TOKEN-1") == 200
    socket = await SocketClient.connect(server.url + "?sid=SECRET-SID-2&pubsub_token=SECRET-3")
    await socket.close()
    assert get(server, "/no/such/page?token=SECRET-TOKEN-4") == 404
    log = server.output()
    assert f"{root}/[redacted]" in log  # the access log still says what was asked
    for secret in (source_id, "SECRET-TOKEN-1", "SECRET-SID-2", "SECRET-3", "SECRET-TOKEN-4"):
        assert secret not in log, f"{secret} in the server's log:\n{log}"
    assert json.dumps(created["pubsub_token"]).strip('"') not in log
