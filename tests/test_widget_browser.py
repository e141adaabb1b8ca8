"""The embeddable website widget in headless Chromium: a site of another origin pastes the
snippet, a visitor talks with an agent over a real daphne, and the widget rides out a server
restart. Screenshots land in var/test-artifacts/."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings

from conversations.models import Conversation, Message
from conversations.services.messages import message_create
from conversations.widget import widget_snippet

from .audience import agent_identifier
from .browser import Browser, PageServer
from .live import SocketClient, free_port, http_json
from .services import NODE_DIR

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.node]

ROOT = Path(__file__).resolve().parent.parent
WIDGET = "div[data-carbonchat=widget]"


def test_the_vendored_actioncable_is_the_pinned_npm_release():
    vendored = ROOT / "conversations/static/carbonchat/vendor/actioncable.esm.js"
    pinned = NODE_DIR / "node_modules/@rails/actioncable/app/assets/javascripts/actioncable.esm.js"
    if not pinned.exists():
        pytest.fail("tests/node is not installed: run scripts/test")
    assert vendored.read_bytes() == pinned.read_bytes()


def collected_static(tmp_path: Path) -> dict[str, str]:
    """Production mode serves collected static files (WhiteNoise), as a deployment does:
    collect them, and say where. The embedded mode serves them from the apps."""
    if not django_settings.PRODUCTION:
        return {}
    env = {"STATIC_ROOT": str(tmp_path / "static")}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    return env


@pytest.fixture
def site(world, live_server_factory, tmp_path, settings):
    """The CarbonChat server and a shop's page on another origin with the widget's snippet."""
    port = free_port()
    env = {"FRONTEND_URL": f"http://127.0.0.1:{port}", "MEDIA_ROOT": str(tmp_path / "media")}
    env.update(collected_static(tmp_path))
    server = live_server_factory(port=port, **env)
    settings.CARBONCHAT = {**settings.CARBONCHAT, "FRONTEND_URL": env["FRONTEND_URL"]}
    pages = tmp_path / "shop"
    pages.mkdir()
    (pages / "index.html").write_text(
        f"<!doctype html><title>Shop</title><h1>Acme shop</h1>{widget_snippet(world.inbox)}"
    )
    page_server = PageServer(pages)
    yield server, f"http://localhost:{page_server.port}/"
    page_server.stop()


async def test_a_visitor_and_an_agent_talk_through_the_widget(world, site):
    server, page_url = site
    agent = await SocketClient.connect(server.url)
    assert await agent.subscribe(agent_identifier(world.agent, world.account)) == (
        "confirm_subscription"
    )
    browser = await Browser.start()
    try:
        await browser("open", url=page_url)
        await browser("waitAttr", selector=WIDGET, name="data-ready", value="true")
        await browser("click", selector="[data-carbonchat=bubble]")
        await browser("type", selector="[data-carbonchat=input]", text="Hello from the shop")
        await browser("press", selector="[data-carbonchat=input]", key="Enter")

        def created(content):
            return lambda frame: (
                (frame.get("message") or {}).get("event") == "message.created"
                and frame["message"]["data"]["content"] == content
            )

        frame = await agent.receive(created("Hello from the shop"))
        display_id = frame["message"]["data"]["conversation_id"]
        await browser("waitText", selector="li.visitor", text="Hello from the shop")
        await browser.screenshot("widget-visitor-wrote")

        token = world.agent.agent.access_token
        conversation = f"/api/v1/accounts/{world.account.id}/conversations/{display_id}"
        status, _ = http_json(
            server.port,
            "POST",
            f"{conversation}/toggle_typing_status",
            {"typing_status": "on"},
            token,
        )
        assert status == 200
        await browser("waitText", selector="[data-carbonchat=typing]", text="is typing")
        for body in (
            {"content": "Internal: VIP customer", "private": True},
            {"content": "Hi! How can I help?"},
        ):
            status, _ = http_json(server.port, "POST", f"{conversation}/messages", body, token)
            assert status == 201
        await browser("waitText", selector="li.agent", text="Hi! How can I help?")
        # Their reply ends the agent's typing, as in Chatwoot's widget.
        await browser("waitText", selector="[data-carbonchat=typing]", text="typing", absent=True)
        texts = "\n".join(await browser("texts", selector="[data-carbonchat=messages] li"))
        assert "VIP" not in texts  # the private note never reaches the page
        await browser.screenshot("widget-agent-replied")

        # The server goes down; an agent's message is written meanwhile; the widget shows
        # it once it is back.
        server.stop()
        await browser(
            "waitAttr", selector="[data-carbonchat=banner]", name="class", value="banner shown"
        )
        model = await Conversation.objects.aget(inbox=world.inbox, display_id=display_id)
        await sync_to_async(message_create)(
            conversation=model,
            content="Sent while you were away",
            message_type=Message.MessageType.OUTGOING,
            sender=world.agent,
        )
        await asyncio.to_thread(server.start)
        await browser(
            "waitText",
            selector="li.agent",
            text="Sent while you were away",
            timeout=20000,  # it retries every 2 s while down
        )
        await browser("waitAttr", selector="[data-carbonchat=banner]", name="class", value="banner")
        await browser.screenshot("widget-after-restart")

        # The session survives a page load.
        await browser("reload")
        await browser("waitAttr", selector=WIDGET, name="data-ready", value="true")
        await browser("waitText", selector="li.agent", text="Sent while you were away")
        assert "VIP" not in "\n".join(
            await browser("texts", selector="[data-carbonchat=messages] li")
        )
    finally:
        await browser.close()
        await agent.close()
