"""Shared fixtures: a small world of two accounts, and the cable test client."""

from dataclasses import dataclass

import pytest

from conversations.models import Account, ContactInbox, Conversation, Inbox, User

from . import factories as f


@dataclass
class World:
    account: Account
    admin: User
    agent: User  # member of ``inbox`` only
    outsider: User  # agent of the account, member of ``other_inbox`` only
    inbox: Inbox
    other_inbox: Inbox
    session: ContactInbox
    conversation: Conversation
    foreign_account: Account
    foreign_agent: User
    foreign_session: ContactInbox


@pytest.fixture
def world(transactional_db) -> World:
    account = f.make_account(name="Acme")
    inbox = f.make_inbox(account, name="Website")
    other_inbox = f.make_inbox(account, name="Other", channel_type=Inbox.ChannelType.API)
    admin = f.make_agent(account, role="administrator", name="Ada")
    agent = f.make_agent(account, inboxes=[inbox], name="John")
    outsider = f.make_agent(account, inboxes=[other_inbox], name="Olga")
    contact = f.make_contact(account, name="white-shadow-394")
    session = f.make_session(contact, inbox)
    conversation = f.make_conversation(session)
    foreign_account = f.make_account(name="Globex")
    foreign_inbox = f.make_inbox(foreign_account)
    foreign_agent = f.make_agent(foreign_account, role="administrator", inboxes=[foreign_inbox])
    foreign_session = f.make_session(f.make_contact(foreign_account), foreign_inbox)
    return World(
        account=account,
        admin=admin,
        agent=agent,
        outsider=outsider,
        inbox=inbox,
        other_inbox=other_inbox,
        session=session,
        conversation=conversation,
        foreign_account=foreign_account,
        foreign_agent=foreign_agent,
        foreign_session=foreign_session,
    )
