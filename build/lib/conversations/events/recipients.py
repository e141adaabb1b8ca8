"""Who receives which event: the streams of a conversation's agents, its contact, an account."""

from .. import streams
from ..models import Conversation


def conversation_agents(conversation: Conversation) -> list[str]:
    """Agents who are members of the conversation's inbox, and the account's administrators."""
    return [
        streams.inbox_agents(conversation.inbox_id),
        streams.account_admins(conversation.account_id),
    ]


def conversation_contact(conversation: Conversation) -> list[str]:
    """The contact session the conversation belongs to."""
    return [streams.contact_session(conversation.contact_inbox_id)]


def account_agents(account_id: int) -> list[str]:
    """Every agent of the account, through one account-wide stream."""
    return [streams.account_agents(account_id)]
