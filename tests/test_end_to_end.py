"""
A real session: a contact created through the client API subscribes with its token, opens a
conversation and writes; agents on /cable see each event, reply, type, assign and resolve; the
contact sees exactly what it should.
"""

import json

from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from realtime.testing import CableTestClient

from .audience import agent_identifier


async def test_a_support_conversation_end_to_end(world):
    inbox = world.other_inbox  # an API inbox; world.outsider is its agent
    agent_user = world.outsider
    public, agent_api = APIClient(), APIClient()
    agent_api.credentials(HTTP_API_ACCESS_TOKEN=agent_user.agent.access_token)

    async def call(client, method, path, data=None):
        response = await sync_to_async(getattr(client, method))(path, data or {}, format="json")
        assert response.status_code < 300, (path, response.status_code, response.content)
        return response.json()

    # Agents connect as the dashboard does.
    agent = CableTestClient()
    assert await agent.connect()
    agent_id = agent_identifier(agent_user, world.account)
    assert (await agent.subscribe(agent_id))["type"] == "confirm_subscription"
    admin = CableTestClient()
    assert await admin.connect()
    await admin.subscribe(agent_identifier(world.admin, world.account))

    presence = frozenset({"presence.update"})  # has its own tests

    async def agent_event(client=agent):
        frame = await client.receive(ignore_events=presence)
        return frame["message"]["event"], frame["message"]["data"]

    # The contact is created and learns its socket token from the client API.
    root = f"/public/api/v1/inboxes/{inbox.identifier}"
    contact = await call(public, "post", f"{root}/contacts", {"name": "Visitor"})
    assert (await agent_event())[0] == "contact.created"
    widget = CableTestClient()
    assert await widget.connect()
    widget_id = {"channel": "RoomChannel", "pubsub_token": contact["pubsub_token"]}
    assert (await widget.subscribe(widget_id))["type"] == "confirm_subscription"

    async def contact_event():
        frame = await widget.receive(ignore_events=presence)
        assert frame["identifier"] == json.dumps(widget_id)
        return frame["message"]["event"], frame["message"]["data"]

    # The contact opens a conversation and writes.
    conversations = f"{root}/contacts/{contact['source_id']}/conversations"
    conversation = await call(public, "post", conversations)
    cid = conversation["id"]
    assert await agent_event() == ("conversation.created", (await contact_event())[1])
    await call(public, "post", f"{conversations}/{cid}/messages", {"content": "Where is my order?"})
    event, data = await agent_event()
    assert (event, data["content"], data["sender_type"]) == (
        "message.created",
        "Where is my order?",
        "Contact",
    )
    assert (await contact_event())[0] == "message.created"

    # The agent types, replies, writes a private note, assigns and resolves.
    agent_conv = f"/api/v1/accounts/{world.account.id}/conversations/{cid}"
    await call(agent_api, "post", f"{agent_conv}/toggle_typing_status", {"typing_status": "on"})
    admin_saw = [
        (await admin.receive(ignore_events=presence))["message"]["event"] for _ in range(4)
    ]
    assert admin_saw == [
        "contact.created",
        "conversation.created",
        "message.created",
        "conversation.typing_on",
    ]
    assert (await contact_event())[0] == "conversation.typing_on"
    await call(agent_api, "post", f"{agent_conv}/messages", {"content": "It ships today."})
    event, data = await contact_event()
    assert (event, data["content"], data["sender"]["type"]) == (
        "message.created",
        "It ships today.",
        "user",
    )
    assert (await agent_event())[1]["content"] == "It ships today."
    # The first human reply: agents hear it, and the contact is no longer waiting.
    assert (await agent_event())[0] == "first.reply.created"
    assert (await agent_event())[1]["waiting_since"] == 0
    assert (await contact_event())[0] == "conversation.updated"
    await call(
        agent_api, "post", f"{agent_conv}/messages", {"content": "VIP customer", "private": True}
    )
    assert (await agent_event())[1]["private"] is True
    await call(agent_api, "post", f"{agent_conv}/assignments", {"assignee_id": agent_user.id})
    assert (await agent_event())[0] == "assignee.changed"
    assert (await agent_event())[0] == "conversation.updated"
    event, data = await agent_event()  # the line the dashboard shows, for agents only
    assert (event, data["message_type"], data["content"]) == (
        "message.created",
        2,
        f"{agent_user.agent.name} self-assigned this conversation",
    )
    assert (await contact_event())[0] == "conversation.updated"
    await call(agent_api, "post", f"{agent_conv}/toggle_status", {"status": "resolved"})
    assert [(await contact_event())[0], (await contact_event())[0]] == [
        "conversation.status_changed",
        "conversation.updated",
    ]
    assert (await agent_event())[1]["status"] == "resolved"
    assert (await agent_event())[0] == "conversation.updated"
    assert (await agent_event())[1]["content"] == (
        f"Conversation was marked resolved by {agent_user.agent.name}"
    )

    # The contact saw no note, no assignee.changed, nothing of its own typing.
    assert await widget.receive_nothing(0.3, ignore_events=presence)
    history = await call(public, "get", f"{conversations}/{cid}/messages")
    assert [m["content"] for m in history] == ["Where is my order?", "It ships today."]
    for client in (agent, admin, widget):
        await client.disconnect()
