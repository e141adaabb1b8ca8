"""Services that change who is in an account, an inbox or a team, and the teams themselves.

Membership changes re-authorise the agents' live subscriptions and bump the account's cache
keys through the model signals (``events.catalogue``), however they are made.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import Account, AccountUser, Agent, Inbox, InboxMember, Team, TeamMember


class NotCreatable(ValueError):
    """The project's user model cannot be made from an email alone: the host creates users."""


@transaction.atomic
def agent_create(
    *, account: Account, name: str, email: str, role: str, auto_offline: bool = True
) -> AccountUser:
    """An agent of ``account``: the user with this email, made if the user model allows it."""
    User = get_user_model()
    email_field = User.get_email_field_name()
    user = User._default_manager.filter(**{f"{email_field}__iexact": email}).first()
    if user is None:
        if email_field != User.USERNAME_FIELD:
            raise NotCreatable("this project's users are made by the project itself")
        user = User._default_manager.create_user(**{email_field: email}, password=None)
    agent, created = Agent.objects.get_or_create(user=user, defaults={"name": name})
    if not created and name and agent.name != name:
        agent.name = name
        agent.save()
    membership, _ = AccountUser.objects.get_or_create(
        account=account, user=user, defaults={"role": role, "auto_offline": auto_offline}
    )
    return membership


@transaction.atomic
def agent_update(*, membership: AccountUser, **fields: Any) -> AccountUser:
    """Role, availability or auto-offline in this account; ``name`` on the agent."""
    name = fields.pop("name", None)
    if name:
        agent = membership.user.agent
        agent.name = name
        agent.save()
    for key, value in fields.items():
        setattr(membership, key, value)
    membership.save()
    return membership


@transaction.atomic
def agent_remove(*, membership: AccountUser) -> None:
    """Out of the account, its inboxes and teams; the user itself stays."""
    InboxMember.objects.filter(
        user_id=membership.user_id, inbox__account_id=membership.account_id
    ).delete()
    TeamMember.objects.filter(
        user_id=membership.user_id, team__account_id=membership.account_id
    ).delete()
    membership.delete()


def _apply(model: Any, owner: dict[str, Any], user_ids: list[int], mode: str) -> None:
    current = set(model.objects.filter(**owner).values_list("user_id", flat=True))
    wanted = set(user_ids)
    if mode == "add":
        add, remove = wanted - current, set()
    elif mode == "replace":
        add, remove = wanted - current, current - wanted
    else:
        add, remove = set(), wanted & current
    for user_id in sorted(add):
        model.objects.create(**owner, user_id=user_id)
    for member in model.objects.filter(**owner, user_id__in=remove):
        member.delete()  # one by one: each sends its membership signals


@transaction.atomic
def inbox_members_change(*, inbox: Inbox, user_ids: list[int], mode: str) -> None:
    """``mode``: ``add``, ``replace`` (the list becomes the members) or ``remove``."""
    _apply(InboxMember, {"inbox": inbox}, user_ids, mode)


@transaction.atomic
def team_members_change(*, team: Team, user_ids: list[int], mode: str) -> None:
    _apply(TeamMember, {"team": team}, user_ids, mode)


@transaction.atomic
def team_create(*, account: Account, **fields: Any) -> Team:
    return Team.objects.create(account=account, **fields)


@transaction.atomic
def team_update(*, team: Team, **fields: Any) -> Team:
    for key, value in fields.items():
        setattr(team, key, value)
    team.save()
    return team


@transaction.atomic
def team_delete(*, team: Team) -> None:
    team.delete()
