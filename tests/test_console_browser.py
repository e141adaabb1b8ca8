"""The agent console and a visitor, in two browser contexts of headless Chromium, over a
real daphne: a visitor's message reaches the console and moves its conversation to the top,
typing goes both ways, a note stays private, resolving shows on both sides, and after a
server restart the console reconnects and shows what was written meanwhile."""

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async

from conversations.models import Conversation, Message
from conversations.services.messages import message_create

from .browser import ARTIFACTS, Browser
from .live import free_port

pytestmark = [pytest.mark.server, pytest.mark.redis, pytest.mark.node]

PASSWORD = "console-test-password-42"
FIRST = "[data-console=conversations] li:first-child"


@pytest.fixture
def server(world, live_server_factory, settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    world.agent.set_password(PASSWORD)
    world.agent.save()
    port = free_port()
    env = {"FRONTEND_URL": f"http://127.0.0.1:{port}", "MEDIA_ROOT": str(tmp_path / "media")}
    from .test_widget_browser import collected_static

    env.update(collected_static(tmp_path))
    return live_server_factory(port=port, **env)


async def test_the_console_and_a_visitor_talk_live(world, server):
    base = f"http://127.0.0.1:{server.port}"
    browser = await Browser.start()
    try:
        # The agent signs in; the console opens on the "All" tab.
        await browser("open", page="agent", url=f"{base}/console/")
        await browser("fill", page="agent", selector="input[name=username]", text=world.agent.email)
        await browser("fill", page="agent", selector="input[name=password]", text=PASSWORD)
        await browser("click", page="agent", selector="button[type=submit]")
        await browser(
            "waitAttr", page="agent", selector="body", name="data-connected", value="true"
        )
        await browser("click", page="agent", selector="[data-tab=all]")
        await browser("waitText", page="agent", selector=FIRST, text="white-shadow-394")

        # A visitor writes from the demo page: the console has it within a second, on top.
        await browser("open", page="visitor", url=f"{base}/demo/")
        await browser(
            "waitAttr",
            page="visitor",
            selector="div[data-carbonchat=widget]",
            name="data-ready",
            value="true",
        )
        await browser("click", page="visitor", selector="[data-carbonchat=bubble]")
        await browser(
            "fill", page="visitor", selector="[data-carbonchat=input]", text="Where is my order?"
        )
        await browser("press", page="visitor", selector="[data-carbonchat=input]", key="Enter")
        await browser("waitText", page="visitor", selector="li.visitor", text="Where is my order?")
        started = time.monotonic()
        await browser(
            "waitText", page="agent", selector=FIRST, text="Where is my order?", timeout=1000
        )
        assert time.monotonic() - started < 1.5
        await browser("screenshot", page="agent", path=str(ARTIFACTS / "console-list.png"))

        # Another conversation gets a message: it moves up; the visitor's comes back on top.
        await sync_to_async(message_create)(
            conversation=world.conversation,
            content="Any news on my refund?",
            message_type=Message.MessageType.INCOMING,
            sender=world.session.contact,
        )
        await browser("waitText", page="agent", selector=FIRST, text="Any news on my refund?")
        await browser("type", page="visitor", selector="[data-carbonchat=input]", text="Hello?")
        await browser("press", page="visitor", selector="[data-carbonchat=input]", key="Enter")
        await browser("waitText", page="agent", selector=FIRST, text="Hello?")

        # The agent opens it, types (the visitor sees it), writes a note and a reply.
        await browser("click", page="agent", selector=FIRST)
        await browser("waitText", page="agent", selector="[data-console=messages]", text="Hello?")
        await browser("type", page="agent", selector="[data-console=input]", text="Let me check")
        await browser(
            "waitText", page="visitor", selector="[data-carbonchat=typing]", text="is typing"
        )
        await browser("click", page="agent", selector="[data-console=note]")
        await browser(
            "waitText",
            page="agent",
            selector="[data-console=messages] li.private",
            text="Let me check",
        )
        await browser("fill", page="agent", selector="[data-console=input]", text="It ships today!")
        await browser("click", page="agent", selector="[data-console=send]")
        await browser("waitText", page="visitor", selector="li.agent", text="It ships today!")
        seen = "\n".join(
            await browser("texts", page="visitor", selector="[data-carbonchat=messages] li")
        )
        assert "Let me check" not in seen  # the note never reaches the visitor

        # Resolve: both sides show it.
        await browser("click", page="agent", selector="[data-action=resolve]")
        await browser("waitText", page="agent", selector="[data-console=status]", text="resolved")
        await browser(
            "waitText", page="visitor", selector="[data-carbonchat=state]", text="resolved"
        )
        await browser("screenshot", page="agent", path=str(ARTIFACTS / "console-resolved.png"))

        # The server restarts; the visitor's message written meanwhile reopens the
        # conversation, and the console shows it once it is back.
        server.stop()
        await browser(
            "waitAttr", page="agent", selector="[data-console=banner]", name="hidden", value=None
        )
        conversation = (
            await Conversation.objects.select_related("contact")
            .filter(inbox=world.inbox)
            .exclude(pk=world.conversation.pk)
            .alatest("id")
        )
        await sync_to_async(message_create)(
            conversation=conversation,
            content="Sent while the server was down",
            message_type=Message.MessageType.INCOMING,
            sender=conversation.contact,
        )
        await asyncio.to_thread(server.start)
        await browser(
            "waitText",
            page="agent",
            selector="[data-console=messages]",
            text="Sent while the server was down",
            timeout=20000,  # the console retries every 2 s while down
        )
        await browser(
            "waitAttr", page="agent", selector="[data-console=banner]", name="hidden", value=""
        )
        await browser("waitText", page="agent", selector="[data-console=status]", text="open")
        await browser("screenshot", page="agent", path=str(ARTIFACTS / "console-after-restart.png"))
        frames = await browser("texts", page="agent", selector="[data-console=frames]")
        assert "message.created" in frames[0]  # the raw frames, for developers
    finally:
        await browser.close()


def test_the_landing_page_says_what_runs_and_leaks_no_token(world, client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/console/"' in html and 'href="/demo/"' in html and "/api/docs/" in html
    assert world.agent.agent.access_token not in html
    assert world.agent.agent.pubsub_token not in html
    assert client.get("/console/").status_code == 302  # sign in first
    assert client.get("/docs/widget.md").status_code == 200
    assert client.get("/docs/..%2Fsettings.md").status_code == 404
