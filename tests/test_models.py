"""The domain model's rules, on whichever database the suite runs against (SQLite or PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conversations.models import Contact, ContactInbox, Message

from . import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_display_ids_count_per_account():
    first, second = f.make_account(), f.make_account()
    s1 = f.make_session(f.make_contact(first), f.make_inbox(first))
    s2 = f.make_session(f.make_contact(second), f.make_inbox(second))
    ids = [
        f.make_conversation(s1).display_id,
        f.make_conversation(s2).display_id,
        f.make_conversation(s1).display_id,
        f.make_conversation(s1).display_id,
    ]
    assert ids == [1, 1, 2, 3]


def test_display_ids_are_unique_under_concurrent_creation():
    account = f.make_account()
    session = f.make_session(f.make_contact(account), f.make_inbox(account))
    workers = 8
    barrier = threading.Barrier(workers)

    def create(_: int) -> list[int]:
        try:
            barrier.wait(timeout=10)
            return [f.make_conversation(session).display_id for _ in range(5)]
        finally:
            connection.close()

    with ThreadPoolExecutor(workers) as pool:
        ids = [i for chunk in pool.map(create, range(workers)) for i in chunk]
    assert sorted(ids) == list(range(1, workers * 5 + 1)), connection.vendor
    account.refresh_from_db()
    assert account.last_conversation_display_id == workers * 5


def test_contact_email_is_unique_per_account_ignoring_case():
    account, other = f.make_account(), f.make_account()
    f.make_contact(account, email="Jane@Acme.inc")
    f.make_contact(other, email="jane@acme.inc")  # another account: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_contact(account, email="jane@ACME.inc")
    # Contacts without an email do not collide.
    f.make_contact(account, email="")
    f.make_contact(account)
    assert Contact.objects.filter(account=account, email__isnull=True).count() == 2


def test_source_id_is_unique_per_inbox():
    account = f.make_account()
    inbox, other_inbox = f.make_inbox(account), f.make_inbox(account)
    contact = f.make_contact(account)
    f.make_session(contact, inbox, source_id="visitor-1")
    f.make_session(contact, other_inbox, source_id="visitor-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_session(f.make_contact(account), inbox, source_id="visitor-1")


def test_tokens_are_random_and_unique():
    account = f.make_account()
    inbox = f.make_inbox(account)
    sessions = [f.make_session(f.make_contact(account), inbox) for _ in range(20)]
    agents = [f.make_agent(account) for _ in range(5)]
    tokens = [s.pubsub_token for s in sessions] + [a.agent.pubsub_token for a in agents]
    assert len(set(tokens)) == len(tokens)
    assert all(len(t) >= 32 for t in tokens)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactInbox.objects.create(
            contact=sessions[0].contact, inbox=inbox, pubsub_token=sessions[1].pubsub_token
        )


def test_password_change_rotates_the_pubsub_token():
    agent = f.make_agent(f.make_account())
    before = agent.agent.pubsub_token
    agent.set_password("a-new-password-123")
    agent.save()
    agent.refresh_from_db()
    assert agent.agent.pubsub_token != before
    assert agent.check_password("a-new-password-123")


def test_a_new_message_moves_last_activity_at():
    account = f.make_account()
    session = f.make_session(f.make_contact(account), f.make_inbox(account))
    conversation = f.make_conversation(session, last_activity_at=timezone.now() - timedelta(days=2))
    later = timezone.now() + timedelta(seconds=5)
    message = f.make_message(conversation, created_at=later)
    conversation.refresh_from_db()
    assert conversation.last_activity_at == later
    assert message.account_id == account.id and message.inbox_id == session.inbox_id


def test_a_message_has_at_most_one_sender():
    account = f.make_account()
    session = f.make_session(f.make_contact(account), f.make_inbox(account))
    conversation = f.make_conversation(session)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.make_message(
            conversation, sender_contact=session.contact, sender_user=f.make_agent(account)
        )
    assert Message.objects.count() == 0


def test_contact_sessions_are_found_by_the_digest_of_their_token():
    from conversations.access import contact_grant
    from conversations.models.tokens import new_pubsub_token, token_digest

    account = f.make_account()
    session = f.make_session(f.make_contact(account), f.make_inbox(account))
    assert session.pubsub_token_digest == token_digest(session.pubsub_token)
    old = session.pubsub_token
    session.pubsub_token = new_pubsub_token()
    session.save(update_fields=["pubsub_token"])
    session.refresh_from_db()
    assert session.pubsub_token_digest == token_digest(session.pubsub_token)
    assert contact_grant(token=old) is None
    assert contact_grant(token=session.pubsub_token).contact_inbox_id == session.id
