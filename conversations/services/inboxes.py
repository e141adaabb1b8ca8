"""Inboxes: created and configured by an account's administrators.

Saving an inbox invalidates the account's cached inbox list (``account.cache_invalidated``,
from the catalogue's save signal), so dashboards refetch it.
"""

from typing import Any

from django.db import transaction

from ..models import Account, Inbox


@transaction.atomic
def inbox_create(*, account: Account, name: str, channel_type: str, **settings: Any) -> Inbox:
    """A new inbox with its channel's settings; its tokens are made here (the website token
    for a widget inbox, the HMAC secret for every one)."""
    inbox = Inbox(account=account, name=name, channel_type=channel_type)
    for field, value in settings.items():
        setattr(inbox, field, value)
    inbox.save()
    return inbox


@transaction.atomic
def inbox_update(*, inbox: Inbox, **changes: Any) -> Inbox:
    """``changes``: inbox and channel settings by field name; the channel type stays."""
    for field, value in changes.items():
        setattr(inbox, field, value)
    inbox.save()
    return inbox


@transaction.atomic
def inbox_delete(*, inbox: Inbox) -> None:
    """The inbox with its conversations, messages and contact sessions (not the contacts)."""
    inbox.delete()
