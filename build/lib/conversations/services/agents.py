"""Services that change an agent's standing in an account."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from ..models import AccountUser


@transaction.atomic
def agent_set_availability(
    *, user: AbstractBaseUser, account_id: int, availability: str
) -> AccountUser | None:
    """The agent's chosen availability in the account (online, busy, offline)."""
    membership = (
        AccountUser.objects.select_for_update()
        .filter(user=user, account_id=account_id, account__status="active")
        .first()
    )
    if membership is None:
        return None
    membership.availability = availability
    membership.save(update_fields=["availability"])
    return membership
