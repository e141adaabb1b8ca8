"""Who receives which event: the streams of a conversation's agents, its contact, an account."""

from .. import streams
from ..models import ContactInbox, Conversation


def conversation_agents(conversation: Conversation) -> list[str]:
    """Agents who are members of the conversation's inbox, and the account's administrators."""
    return [
        streams.inbox_agents(conversation.inbox_id),
        streams.account_admins(conversation.account_id),
    ]


def conversation_contact(conversation: Conversation) -> list[str]:
    """The contact session the conversation belongs to; for an identity-verified session
    (``hmac_verified``), every verified session of the contact, as Chatwoot: the signed-in
    customer sees the conversation on each device. Unverified sessions never do."""
    session = conversation.contact_inbox
    ids = {session.pk}
    if session.hmac_verified:
        ids |= set(
            ContactInbox.objects.filter(
                contact_id=conversation.contact_id, hmac_verified=True
            ).values_list("pk", flat=True)
        )
    return [streams.contact_session(pk) for pk in sorted(ids)]


def account_agents(account_id: int) -> list[str]:
    """Every agent of the account, through one account-wide stream."""
    return [streams.account_agents(account_id)]
