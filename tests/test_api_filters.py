"""``POST conversations/filter`` and ``POST contacts/filter``: Chatwoot's query conditions,
their AND/OR precedence, and the 422 that names a condition Chatwoot would refuse."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations.models import Conversation, Label

from . import factories as f
from .test_api_application import client_for, url


def condition(key, operator, values=None, joiner=None):
    return {
        "attribute_key": key,
        "filter_operator": operator,
        "values": values if values is not None else [],
        "query_operator": joiner,
    }


def conversations(world, *conditions, user=None):
    response = client_for(user or world.admin).post(
        url(world, "conversations/filter"), {"payload": list(conditions)}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def ids(body):
    return {c["id"] for c in body["payload"]}


@pytest.fixture
def desk(world):
    """Three more conversations: resolved + urgent, assigned + labelled, on the API inbox."""
    vip = Label.objects.create(account=world.account, title="vip")
    resolved = f.make_conversation(
        world.session, status=Conversation.Status.RESOLVED, priority="urgent"
    )
    assigned = f.make_conversation(
        world.session,
        assignee=world.agent,
        additional_attributes={"browser_language": "de", "referer": "https://shop.test/cart"},
    )
    assigned.labels.add(vip)
    api_session = f.make_session(f.make_contact(world.account), world.other_inbox)
    elsewhere = f.make_conversation(api_session)
    old = timezone.now() - timedelta(days=30)
    Conversation.objects.filter(pk=elsewhere.pk).update(created_at=old, last_activity_at=old)
    return {
        "first": world.conversation.display_id,
        "resolved": resolved.display_id,
        "assigned": assigned.display_id,
        "elsewhere": elsewhere.display_id,
    }


def test_each_standard_attribute(world, desk):
    every = set(desk.values())
    assert ids(conversations(world, condition("status", "equal_to", ["all"]))) == every
    assert ids(conversations(world, condition("status", "equal_to", ["resolved"]))) == {
        desk["resolved"]
    }
    assert ids(conversations(world, condition("status", "not_equal_to", ["open"]))) == {
        desk["resolved"]
    }
    assert ids(conversations(world, condition("priority", "equal_to", ["urgent"]))) == {
        desk["resolved"]
    }
    assert ids(conversations(world, condition("assignee_id", "is_present"))) == {desk["assigned"]}
    assert ids(conversations(world, condition("assignee_id", "equal_to", [world.agent.id]))) == {
        desk["assigned"]
    }
    assert ids(conversations(world, condition("labels", "equal_to", ["VIP"]))) == {desk["assigned"]}
    assert ids(conversations(world, condition("labels", "is_not_present"))) == every - {
        desk["assigned"]
    }
    assert ids(
        conversations(world, condition("inbox_id", "equal_to", [str(world.other_inbox.id)]))
    ) == {desk["elsewhere"]}
    assert ids(conversations(world, condition("browser_language", "equal_to", ["de"]))) == {
        desk["assigned"]
    }
    assert ids(conversations(world, condition("referer", "contains", ["CART"]))) == {
        desk["assigned"]
    }
    assert ids(conversations(world, condition("created_at", "days_before", [7]))) == {
        desk["elsewhere"]
    }
    last_week = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert ids(conversations(world, condition("last_activity_at", "is_greater_than", [last_week])))
    assert ids(
        conversations(world, condition("last_activity_at", "is_greater_than", [last_week]))
    ) == every - {desk["elsewhere"]}
    assert ids(conversations(world, condition("display_id", "equal_to", [desk["resolved"]]))) == {
        desk["resolved"]
    }


def test_and_binds_tighter_than_or_and_counts_follow_the_filter(world, desk):
    # (resolved AND urgent) OR labelled vip
    body = conversations(
        world,
        condition("status", "equal_to", ["resolved"], "AND"),
        condition("priority", "equal_to", ["urgent"], "OR"),
        condition("labels", "equal_to", ["vip"]),
    )
    assert ids(body) == {desk["resolved"], desk["assigned"]}
    assert body["meta"] == {
        "mine_count": 0,  # the administrator's own
        "assigned_count": 1,
        "unassigned_count": 1,
        "all_count": 2,
        "current_page": 1,
    }
    # resolved AND (nothing matches urgent AND vip)
    body = conversations(
        world,
        condition("status", "equal_to", ["resolved"], "and"),
        condition("labels", "equal_to", ["vip"]),
    )
    assert ids(body) == set()


def test_an_agent_filters_only_what_it_may_see(world, desk):
    body = conversations(world, condition("status", "equal_to", ["all"]), user=world.agent)
    assert desk["elsewhere"] not in ids(body)  # not a member of the API inbox
    foreign = f.make_conversation(world.foreign_session)
    body = conversations(
        world, condition("display_id", "equal_to", [foreign.display_id]), user=world.agent
    )
    assert all(c["account_id"] == world.account.id for c in body["payload"])


@pytest.mark.parametrize(
    "conditions, field",
    [
        ([condition("custom_thing", "equal_to", ["x"])], "payload[0].attribute_key"),
        ([condition("status", "contains", ["op"])], "payload[0].filter_operator"),
        ([condition("status", "equal_to", [])], "payload[0].values"),
        ([condition("status", "equal_to", ["asleep"])], "payload[0].values"),
        ([condition("assignee_id", "equal_to", ["1; DROP TABLE"])], "payload[0].values"),
        ([condition("assignee_id", "equal_to", [10**20])], "payload[0].values"),
        ([condition("created_at", "is_greater_than", ["yesterday"])], "payload[0].values"),
        ([condition("status", "equal_to", ["open"], "XOR")], "payload[0].query_operator"),
        (["status = open"], "payload[0]"),
        ([], "payload"),
        ({"status": "open"}, "payload"),
    ],
)
def test_a_condition_chatwoot_would_refuse_is_422_naming_it(world, conditions, field):
    response = client_for(world.admin).post(
        url(world, "conversations/filter"), {"payload": conditions}, format="json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["attributes"] == [field]
    assert body["error"] == body["message"] and body["message"].startswith(field)


def test_a_body_without_payload_is_400_naming_it(world):
    response = client_for(world.admin).post(url(world, "contacts/filter"), {}, format="json")
    assert response.status_code == 400
    assert response.json()["attributes"] == ["payload"]


def contacts(world, *conditions):
    response = client_for(world.agent).post(
        url(world, "contacts/filter"), {"payload": list(conditions)}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()


def test_contacts_by_text_labels_blocked_and_additional_attributes(world):
    jane = f.make_contact(
        world.account,
        name="Jane Roe",
        email="Jane@Roe.test",
        phone_number="+4711223",
        additional_attributes={"city": "Oslo", "company": "Acme AS"},
    )
    blocked = f.make_contact(world.account, name="Spam Bot", blocked=True)
    jane.labels.add(Label.objects.create(account=world.account, title="lead"))
    f.make_contact(world.foreign_account, name="Jane Roe", email="jane@roe.test")

    def names(body):
        return {c["name"] for c in body["payload"]}

    assert names(contacts(world, condition("email", "equal_to", ["jane@roe.TEST"]))) == {"Jane Roe"}
    assert names(contacts(world, condition("name", "contains", ["roe"]))) == {"Jane Roe"}
    assert names(contacts(world, condition("phone_number", "starts_with", ["+4711"]))) == {
        "Jane Roe"
    }
    assert names(contacts(world, condition("city", "equal_to", ["oslo"]))) == {"Jane Roe"}
    assert names(contacts(world, condition("company", "contains", ["acme"]))) == {"Jane Roe"}
    assert names(contacts(world, condition("labels", "equal_to", ["lead"]))) == {"Jane Roe"}
    assert names(contacts(world, condition("blocked", "equal_to", [True]))) == {blocked.name}
    body = contacts(
        world,
        condition("blocked", "equal_to", ["true"], "OR"),
        condition("labels", "is_present"),
    )
    assert names(body) == {"Jane Roe", "Spam Bot"}
    assert body["meta"] == {"count": 2, "current_page": 1}
    # The world's contact had a conversation just now; Jane none.
    assert "Jane Roe" not in names(
        contacts(world, condition("last_activity_at", "is_greater_than", ["2000-01-01"]))
    )
