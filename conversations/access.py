"""
Who may subscribe to what: socket grants looked up from pubsub tokens.

A grant is everything a subscription needs to route events, computed once at subscribe (and on
re-authorisation), so delivery never touches the database.
"""

import hmac
import logging
from dataclasses import dataclass
from typing import Any

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

    @property
    def subscriber_key(self) -> str:
        return f"user.{self.user_id}"

    def streams(self) -> list[str]:
        names = [streams.account_agents(self.account_id), streams.user_control(self.user_id)]
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


def parse_id(value: Any) -> int | None:
    """An id from an identifier, where clients send numbers or numeric strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value) or None
    return None


def agent_grant(*, token: str, account_id: int, user_id: int) -> AgentGrant | None:
    """The grant of agent ``user_id`` in ``account_id`` if ``token`` is that agent's."""
    # Plain tuples, not model instances: this runs on every subscribe.
    row = (
        AccountUser.objects.filter(account_id=account_id, user_id=user_id)
        .values_list("role", "user__pubsub_token", "user__is_active", "account__status")
        .first()
    )
    # Looked up by ids and compared in constant time, so response timing tells nothing
    # about how much of a guessed token was right.
    if row is None or not hmac.compare_digest(row[1].encode(), token.encode()):
        logger.info(
            "room: agent subscribe refused: token does not match user %s in account %s",
            user_id,
            account_id,
        )
        return None
    role, _, is_active, account_status = row
    if not is_active:
        logger.info("room: agent subscribe refused: user %s is deactivated", user_id)
        return None
    if account_status != Account.Status.ACTIVE:
        logger.info("room: agent subscribe refused: account %s is suspended", account_id)
        return None
    is_administrator = role == AccountUser.Role.ADMINISTRATOR
    inbox_ids: tuple[int, ...] = ()
    if not is_administrator:
        inbox_ids = tuple(
            InboxMember.objects.filter(user_id=user_id, inbox__account_id=account_id)
            .order_by("inbox_id")
            .values_list("inbox_id", flat=True)
        )
    return AgentGrant(
        user_id=user_id,
        account_id=account_id,
        is_administrator=is_administrator,
        inbox_ids=inbox_ids,
    )


def contact_grant(*, token: str) -> ContactGrant | None:
    """The grant of the contact session whose socket token is ``token``."""
    row = (
        ContactInbox.objects.filter(pubsub_token_digest=token_digest(token))
        .values_list(
            "id",
            "contact_id",
            "inbox_id",
            "inbox__account_id",
            "inbox__account__status",
            "pubsub_token",
        )
        .first()
    )
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
