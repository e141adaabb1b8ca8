"""
The streams CarbonChat broadcasts on, and who follows them.

No subscriber follows two streams that can carry the same event, so nobody receives an event
twice: administrators follow their account's ``admins`` stream and no inbox streams; agents
follow the streams of the inboxes they are members of.
"""


def account_agents(account_id: int) -> str:
    """Every agent of the account (administrators too): contact events, presence, and control
    messages addressed to one agent (``acontrol(..., only="user.<id>")``)."""
    return f"account.{account_id}.agents"


def account_admins(account_id: int) -> str:
    """The account's administrators: conversation events of every inbox."""
    return f"account.{account_id}.admins"


def inbox_agents(inbox_id: int) -> str:
    """The inbox's member agents who are not administrators: its conversation events."""
    return f"inbox.{inbox_id}.agents"


def account_contacts(account_id: int) -> str:
    """Every live contact session of the account: agents' presence."""
    return f"account.{account_id}.contacts"


def contact_session(contact_inbox_id: int) -> str:
    """One contact session: what the contact may see of its conversations."""
    return f"contact_inbox.{contact_inbox_id}"
