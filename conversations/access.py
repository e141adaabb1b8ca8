"""
Who may subscribe to what: socket grants looked up from pubsub tokens.

A grant is everything a subscription needs to route events, computed once at subscribe (and on
re-authorisation), so delivery never touches the database.
"""

import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Value

from . import streams
from .models import Account, AccountUser, ContactInbox, InboxMember
from .models.tokens import token_digest

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AgentGrant:
    user_id: int
    account_id: int
    is_administrator: bool
    inbox_ids: tuple[int, ...]

    @staticmethod
    def key(user_id: int) -> str:
        """The subscriber key of agent ``user_id``'s subscriptions."""
        return f"user.{user_id}"

    @property
    def subscriber_key(self) -> str:
        return self.key(self.user_id)

    def streams(self) -> list[str]:
        names = [streams.account_agents(self.account_id)]
        if self.is_administrator:
            names.append(streams.account_admins(self.account_id))
        else:
            names.extend(streams.inbox_agents(inbox_id) for inbox_id in self.inbox_ids)
        return names


@dataclass(frozen=True, slots=True)
class ContactGrant:
    contact_inbox_id: int
    contact_id: int
    inbox_id: int
    account_id: int

    @property
    def subscriber_key(self) -> str:
        return f"contact_inbox.{self.contact_inbox_id}"

    def streams(self) -> list[str]:
        return [
            streams.contact_session(self.contact_inbox_id),
            streams.account_contacts(self.account_id),
        ]


# Ids are 64-bit (BigAutoField); a larger number in a query overflows SQLite (OverflowError)
# and PostgreSQL (DataError), so it is no id at all.
MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int | None:
    """An id from an identifier, where clients send numbers or numeric strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20:
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


@dataclass(frozen=True, slots=True)
class AgentClaim:
    """What an agent's identifier claims: ``token`` is user ``user_id``'s in ``account_id``."""

    token: str
    account_id: int
    user_id: int


@cache
def has_is_active_field() -> bool:
    try:
        get_user_model()._meta.get_field("is_active")
    except FieldDoesNotExist:
        return False
    return True


def agent_grants(claims: Sequence[AgentClaim]) -> list[AgentGrant | None]:
    """The grant for each claim (``None`` where refused), in two queries for all of them.

    Subscribes arrive in bursts and are authorised in batches
    (``realtime.delivery.batching``); plain tuples, not model instances, because this runs
    for every subscribe.
    """
    if not claims:
        return []
    # A user model without an is_active field (AbstractBaseUser's is a constant True) has
    # every user active.
    active = "user__is_active" if has_is_active_field() else Value(True)
    rows = AccountUser.objects.filter(
        account_id__in={c.account_id for c in claims}, user_id__in={c.user_id for c in claims}
    ).values_list(
        "account_id", "user_id", "role", "user__agent__pubsub_token", active, "account__status"
    )
    memberships = {(row[0], row[1]): row[2:] for row in rows}
    accepted = [claim for claim in claims if _agent_claim_holds(claim, memberships)]
    members = {
        (c.account_id, c.user_id)
        for c in accepted
        if memberships[c.account_id, c.user_id][0] != AccountUser.Role.ADMINISTRATOR
    }
    inboxes: dict[tuple[int, int], list[int]] = {key: [] for key in members}
    if members:
        for account_id, user_id, inbox_id in (
            InboxMember.objects.filter(
                user_id__in={user for _, user in members},
                inbox__account_id__in={account for account, _ in members},
            )
            .order_by("inbox_id")
            .values_list("inbox__account_id", "user_id", "inbox_id")
        ):
            if (account_id, user_id) in inboxes:
                inboxes[account_id, user_id].append(inbox_id)
    granted = {id(claim) for claim in accepted}
    return [
        AgentGrant(
            user_id=claim.user_id,
            account_id=claim.account_id,
            is_administrator=memberships[claim.account_id, claim.user_id][0]
            == AccountUser.Role.ADMINISTRATOR,
            inbox_ids=tuple(inboxes.get((claim.account_id, claim.user_id), ())),
        )
        if id(claim) in granted
        else None
        for claim in claims
    ]


def _agent_claim_holds(claim: AgentClaim, memberships: dict[tuple[int, int], tuple]) -> bool:
    row = memberships.get((claim.account_id, claim.user_id))
    # Looked up by ids and compared in constant time, so response timing tells nothing about
    # how much of a guessed token was right.
    if row is None or not hmac.compare_digest(row[1].encode(), claim.token.encode()):
        logger.info(
            "room: agent subscribe refused: token does not match user %s in account %s",
            claim.user_id,
            claim.account_id,
        )
        return False
    _, _, is_active, account_status = row
    if not is_active:
        logger.info("room: agent subscribe refused: user %s is deactivated", claim.user_id)
        return False
    if account_status != Account.Status.ACTIVE:
        logger.info("room: agent subscribe refused: account %s is suspended", claim.account_id)
        return False
    return True


def agent_grant(*, token: str, account_id: int, user_id: int) -> AgentGrant | None:
    """The grant of agent ``user_id`` in ``account_id`` if ``token`` is that agent's."""
    return agent_grants([AgentClaim(token=token, account_id=account_id, user_id=user_id)])[0]


def contact_grants(tokens: Sequence[str]) -> list[ContactGrant | None]:
    """The grant of the contact session behind each socket token, in one query for all."""
    if not tokens:
        return []
    digests = [token_digest(token) for token in tokens]
    rows = {
        row[0]: row[1:]
        for row in ContactInbox.objects.filter(pubsub_token_digest__in=set(digests)).values_list(
            "pubsub_token_digest",
            "id",
            "contact_id",
            "inbox_id",
            "inbox__account_id",
            "inbox__account__status",
            "pubsub_token",
        )
    }
    return [
        _contact_grant(token, rows.get(digest))
        for token, digest in zip(tokens, digests, strict=True)
    ]


def _contact_grant(token: str, row: tuple | None) -> ContactGrant | None:
    if row is None or not hmac.compare_digest(row[5].encode(), token.encode()):
        logger.info("room: contact subscribe refused: unknown token")
        return None
    session_id, contact_id, inbox_id, account_id, account_status, _ = row
    if account_status != Account.Status.ACTIVE:
        logger.info("room: contact subscribe refused: account %s is suspended", account_id)
        return None
    return ContactGrant(
        contact_inbox_id=session_id, contact_id=contact_id, inbox_id=inbox_id, account_id=account_id
    )


def contact_grant(*, token: str) -> ContactGrant | None:
    """The grant of the contact session whose socket token is ``token``."""
    return contact_grants([token])[0]
