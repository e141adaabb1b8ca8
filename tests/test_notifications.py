"""Mentions and notifications: made as Chatwoot makes them, each event to its one agent only
(on the account's shared stream), and the REST calls that read, snooze and clear them."""

import json

from asgiref.sync import sync_to_async

from conversations.models import Mention, Notification

from .audience import PRESENCE
from .chatwoot_shapes import SHAPES
from .test_api_application import call, client_for, conv_url, url

NOTIFICATION_KEYS = {
    "id",
    "notification_type",
    "primary_actor_type",
    "primary_actor_id",
    "primary_actor",
    "read_at",
    "secondary_actor",
    "user",
    "created_at",
    "last_activity_at",
    "snoozed_until",
    "meta",
    "account_id",
    "push_message_title",
    "push_message_body",
}


async def test_a_mention_in_a_note_notifies_only_the_mentioned_agent(world, audience):
    admin = client_for(world.admin)
    note = f"Can you check? mention://user/{world.outsider.id}/Olga"
    response = await call(
        admin, "post", conv_url(world, "/messages"), {"content": note, "private": True}
    )
    assert response.status_code == 201
    await audience.expect(["agent", "admin"], "message.created")
    mentioned = await audience.expect(["outsider"], "conversation.mentioned")
    assert mentioned["id"] == world.conversation.display_id
    created = await audience.expect(["outsider"], "notification.created")
    assert set(created["notification"]) == NOTIFICATION_KEYS
    assert created["notification"]["notification_type"] == "conversation_mention"
    assert created["notification"]["secondary_actor"]["id"] == world.admin.id
    assert (created["unread_count"], created["count"]) == (1, 1)
    assert set(created["notification"]["primary_actor"]) >= set(SHAPES["conversation"]) - {
        "?account_id"
    }
    await audience.silent(["agent", "admin"])  # same stream, not theirs
    assert await Mention.objects.filter(user_id=world.outsider.id).aexists()


async def test_assignment_and_new_messages_notify_the_assignee(world, audience):
    admin = client_for(world.admin)
    await call(admin, "post", conv_url(world, "/assignments"), {"assignee_id": world.agent.id})
    for event in ("assignee.changed", "conversation.updated"):
        await audience.expect(["agent"], event)
    notified = await audience.expect(["agent"], "notification.created")
    await audience.expect(["agent"], "message.created")  # the activity line
    assert notified["notification"]["notification_type"] == "conversation_assignment"
    await audience.expect(["admin"], "assignee.changed")
    # The contact writes: the assignee hears of it.
    from conversations.models import Message
    from conversations.services.messages import message_create

    await sync_to_async(message_create)(
        conversation=world.conversation,
        content="Any news?",
        message_type=Message.MessageType.INCOMING,
        sender=world.session.contact,
    )
    await audience.expect(["agent"], "message.created")
    news = await audience.expect(["agent"], "notification.created")
    assert news["notification"]["notification_type"] == "assigned_conversation_new_message"
    assert news["notification"]["push_message_body"] == "Any news?"
    # Assigning oneself notifies nobody.
    assert not await Notification.objects.filter(user_id=world.admin.id).aexists()


async def test_the_notifications_api(world, audience):
    agent = client_for(world.agent)
    admin = client_for(world.admin)
    for n in range(3):
        await call(
            admin,
            "post",
            conv_url(world, "/messages"),
            {"content": f"{n} mention://user/{world.agent.id}/John", "private": True},
        )
    listed = (await call(agent, "get", url(world, "notifications"))).json()["data"]
    assert listed["meta"] == {"unread_count": 3, "count": 3, "current_page": 1}
    first = listed["payload"][0]["id"]
    read = await call(agent, "patch", url(world, f"notifications/{first}"))
    assert read.json()["read_at"] is not None
    unread = await call(agent, "post", url(world, f"notifications/{first}/unread"))
    assert unread.json()["read_at"] is None
    snoozed = await call(
        agent, "post", url(world, f"notifications/{first}/snooze"), {"snoozed_until": 4102444800}
    )
    assert snoozed.json()["snoozed_until"].startswith("2100-01-01")
    bad = await call(
        agent, "post", url(world, f"notifications/{first}/snooze"), {"snoozed_until": 1}
    )
    assert bad.status_code == 400 and "snoozed_until" in bad.json()
    await call(agent, "post", url(world, "notifications/read_all"))
    after = (await call(agent, "get", url(world, "notifications"))).json()["data"]["meta"]
    assert after["unread_count"] == 0
    assert (await call(agent, "delete", url(world, f"notifications/{first}"))).status_code == 200
    # Someone else's notification is not there at all.
    others = await call(admin, "patch", url(world, f"notifications/{listed['payload'][1]['id']}"))
    assert others.status_code == 404
    # Every change was told to the agent alone.
    # Everything the agent was sent, until it has been quiet for 0.5 s. (A receive that times
    # out would cancel the connection: the communicator's rule.)
    communicator = audience.clients["agent"].communicator
    received = []
    while not await communicator.receive_nothing(0.5):
        event = (json.loads(await communicator.receive_from()).get("message") or {}).get("event")
        if event is not None and event not in PRESENCE:
            received.append(event)
    assert received.count("notification.created") == 3
    assert "notification.deleted" in received and "notification.updated" in received
    await audience.silent(["outsider"])


async def test_participants_hear_of_new_messages_once_each(world, audience):
    """Assigned once, then reassigned: the former assignee still takes part; a mentioned
    agent takes part too. The contact writes: the assignee is told as assignee, the others
    as participants, nobody twice."""
    from conversations.models import ConversationParticipant, Message
    from conversations.services.messages import message_create

    admin = client_for(world.admin)
    for user in (world.agent, world.outsider):
        await call(admin, "post", conv_url(world, "/assignments"), {"assignee_id": user.id})
    await call(
        admin,
        "post",
        conv_url(world, "/messages"),
        {"content": f"mention://user/{world.admin.id}/Ada see this", "private": True},
    )  # the writer mentioning itself: neither told nor made a participant
    participants = ConversationParticipant.objects.filter(conversation=world.conversation)
    assert {p.user_id async for p in participants} == {world.agent.id, world.outsider.id}
    await Notification.objects.all().adelete()
    await sync_to_async(message_create)(
        conversation=world.conversation,
        content="Hello?",
        message_type=Message.MessageType.INCOMING,
        sender=world.session.contact,
    )
    kinds = {
        n.user_id: n.notification_type
        async for n in Notification.objects.filter(conversation=world.conversation)
    }
    assert kinds == {
        world.outsider.id: "assigned_conversation_new_message",
        world.agent.id: "participating_conversation_new_message",
    }
    # An agent's own reply tells the others, not the writer.
    await Notification.objects.all().adelete()
    await call(client_for(world.agent), "post", conv_url(world, "/messages"), {"content": "Hi"})
    assert [n.user_id async for n in Notification.objects.all()] == [world.outsider.id]


async def test_the_participants_api(world):
    admin = client_for(world.admin)
    path = conv_url(world, "/participants")
    assert (await call(admin, "get", path)).json() == []
    added = await call(admin, "post", path, {"user_ids": [world.agent.id, world.outsider.id]})
    assert added.status_code == 200
    assert [a["id"] for a in added.json()] == sorted([world.agent.id, world.outsider.id])
    assert set(added.json()[0]) >= {"id", "name", "role", "availability_status", "thumbnail"}
    replaced = await call(admin, "patch", path, {"user_ids": [world.admin.id]})
    assert [a["id"] for a in replaced.json()] == [world.admin.id]
    removed = await call(admin, "delete", path, {"user_ids": [world.admin.id]})
    assert removed.status_code == 200 and (await call(admin, "get", path)).json() == []
    foreign = await call(admin, "post", path, {"user_ids": [world.foreign_agent.id]})
    assert foreign.status_code == 400 and foreign.json()["attributes"] == ["user_ids"]
    # Another account's agent cannot reach this conversation's participants at all.
    assert (await call(client_for(world.foreign_agent), "get", path)).status_code == 404
