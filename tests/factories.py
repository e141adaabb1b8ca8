"""Builders for domain objects in tests: short, explicit, one per model."""

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from conversations.models import (
    Account,
    AccountUser,
    Agent,
    Contact,
    ContactInbox,
    Conversation,
    Inbox,
    InboxMember,
    Message,
    Team,
)

_seq = itertools.count(1)


def make_account(**kw: Any) -> Account:
    return Account.objects.create(name=kw.pop("name", f"Account {next(_seq)}"), **kw)


def make_agent(account: Account, *, role: str = "agent", inboxes=(), **kw: Any):
    """A user of the project's user model, its Agent, and its membership of ``account``."""
    n = next(_seq)
    name = kw.pop("name", f"Agent {n}")
    agent_fields = {key: kw.pop(key) for key in ("display_name", "avatar_url") if key in kw}
    user = get_user_model().objects.create_user(
        kw.pop("email", f"agent{n}@example.test"), "pw-not-used", **kw
    )
    Agent.objects.create(user=user, name=name, **agent_fields)
    AccountUser.objects.create(account=account, user=user, role=role)
    for inbox in inboxes:
        InboxMember.objects.create(inbox=inbox, user=user)
    return user


def make_inbox(account: Account, **kw: Any) -> Inbox:
    kw.setdefault("channel_type", Inbox.ChannelType.WEB_WIDGET)
    return Inbox.objects.create(account=account, name=kw.pop("name", f"Inbox {next(_seq)}"), **kw)


def make_team(account: Account, **kw: Any) -> Team:
    return Team.objects.create(account=account, name=kw.pop("name", f"Team {next(_seq)}"), **kw)


def make_contact(account: Account, **kw: Any) -> Contact:
    return Contact.objects.create(
        account=account, name=kw.pop("name", f"Contact {next(_seq)}"), **kw
    )


def make_session(contact: Contact, inbox: Inbox, **kw: Any) -> ContactInbox:
    return ContactInbox.objects.create(contact=contact, inbox=inbox, **kw)


def make_conversation(session: ContactInbox, **kw: Any) -> Conversation:
    return Conversation.objects.create(
        account=session.inbox.account,
        inbox=session.inbox,
        contact=session.contact,
        contact_inbox=session,
        **kw,
    )


def make_message(conversation: Conversation, **kw: Any) -> Message:
    kw.setdefault("message_type", Message.MessageType.INCOMING)
    kw.setdefault("content", "hello")
    if kw["message_type"] == Message.MessageType.INCOMING and "sender_contact" not in kw:
        kw["sender_contact"] = conversation.contact
    return Message.objects.create(conversation=conversation, **kw)
