"""An existing CarbonChat database migrates to agents beside the user model, losing nothing."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("conversations", "0004_chatwoot_4_10_fields")]
AFTER = [("conversations", "0005_agents_beside_any_user_model")]


@pytest.mark.django_db(transaction=True)
def test_agents_tokens_and_memberships_survive_the_move_to_agent():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("conversations", "User")
    Account = old.get_model("conversations", "Account")
    AccountUser = old.get_model("conversations", "AccountUser")
    account = Account.objects.create(name="Acme")
    user = User.objects.create(
        email="ada@acme.test",
        name="Ada",
        display_name="Ada L.",
        avatar_url="https://example.test/ada.png",
        pubsub_token="socket-token-of-ada-0123456789abcdef",
        access_token="api-token-of-ada-0123456789abcdef",
        password="!",
    )
    AccountUser.objects.create(account=account, user=user, role="administrator")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    agent = new.get_model("conversations", "Agent").objects.get(user_id=user.pk)
    assert (agent.name, agent.display_name, agent.avatar_url) == (
        "Ada",
        "Ada L.",
        "https://example.test/ada.png",
    )
    assert agent.pubsub_token == "socket-token-of-ada-0123456789abcdef"
    assert agent.access_token == "api-token-of-ada-0123456789abcdef"
    membership = new.get_model("conversations", "AccountUser").objects.get(user_id=user.pk)
    assert membership.role == "administrator"
    # Back to the latest state for the tests after this one.
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
