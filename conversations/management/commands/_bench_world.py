"""The benchmark account: K inboxes ("streams"), each with agents, a contact, a conversation."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from conversations.models import (
    Account,
    AccountUser,
    Agent,
    Contact,
    ContactInbox,
    Conversation,
    Inbox,
    InboxMember,
)
from conversations.models.tokens import new_access_token, new_pubsub_token, token_digest


@dataclass
class Stream:
    inbox_id: int
    conversation_id: int  # the conversation's pk
    display_id: int
    contact_inbox_id: int
    identifiers: list[str]  # one socket each: the inbox's agents, then its contact


@dataclass
class BenchWorld:
    account_id: int
    admin_token: str
    streams: list[Stream]

    @property
    def sockets(self) -> int:
        return sum(len(s.identifiers) for s in self.streams)


def _identifier(params: dict) -> str:
    import json

    return json.dumps(params, separators=(",", ":"))


@transaction.atomic
def bench_world(*, sockets: int, streams: int, run: str) -> BenchWorld:
    """A fresh account for this run: ``sockets`` subscriptions spread over ``streams`` inboxes.

    Each stream has one contact socket and ``sockets / streams - 1`` agent sockets (all agents,
    when a stream has a single socket). Users are bulk-created with unusable passwords: hashing
    thousands of passwords would dominate the set-up.
    """
    User = get_user_model()  # the standalone server's (email) user model
    per_stream = max(sockets // streams, 1)
    account = Account.objects.create(name=f"Cable Bench {run}")
    admin = User.objects.create(
        email=f"bench-admin-{run}@bench.invalid", password=make_password(None)
    )
    admin_agent = Agent.objects.create(user=admin, name="Bench Admin")
    AccountUser.objects.create(account=account, user=admin, role="administrator")
    inboxes = Inbox.objects.bulk_create(
        Inbox(account=account, name=f"Bench {n}", channel_type=Inbox.ChannelType.API)
        for n in range(streams)
    )
    agents_per_stream = per_stream - 1 if per_stream > 1 else 1
    unusable = make_password(None)
    users = User.objects.bulk_create(
        User(email=f"bench-{run}-{n}@bench.invalid", password=unusable)
        for n in range(streams * agents_per_stream)
    )
    agents_of_users = Agent.objects.bulk_create(
        Agent(
            user=u,
            name=f"Agent {n}",
            pubsub_token=new_pubsub_token(),
            access_token=new_access_token(),
        )
        for n, u in enumerate(users)
    )
    tokens_of = {agent.user_id: agent.pubsub_token for agent in agents_of_users}
    AccountUser.objects.bulk_create(AccountUser(account=account, user=u) for u in users)
    InboxMember.objects.bulk_create(
        InboxMember(inbox=inboxes[n // agents_per_stream], user=u) for n, u in enumerate(users)
    )
    contacts = Contact.objects.bulk_create(
        Contact(account=account, name=f"Visitor {n}") for n in range(streams)
    )
    tokens = [new_pubsub_token() for _ in contacts]
    sessions = ContactInbox.objects.bulk_create(
        ContactInbox(contact=c, inbox=i, pubsub_token=t, pubsub_token_digest=token_digest(t))
        for c, i, t in zip(contacts, inboxes, tokens, strict=True)
    )
    result = []
    for n, (inbox, session) in enumerate(zip(inboxes, sessions, strict=True)):
        conversation = Conversation.objects.create(
            account=account, inbox=inbox, contact=session.contact, contact_inbox=session
        )
        agents = users[n * agents_per_stream : (n + 1) * agents_per_stream]
        identifiers = [
            _identifier(
                {
                    "channel": "RoomChannel",
                    "pubsub_token": tokens_of[u.id],
                    "account_id": account.id,
                    "user_id": u.id,
                }
            )
            for u in agents
        ]
        if per_stream > 1:
            identifiers.append(
                _identifier({"channel": "RoomChannel", "pubsub_token": session.pubsub_token})
            )
        result.append(
            Stream(inbox.id, conversation.pk, conversation.display_id, session.id, identifiers)
        )
    return BenchWorld(account_id=account.id, admin_token=admin_agent.access_token, streams=result)
