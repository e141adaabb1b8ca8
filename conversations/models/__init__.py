"""The domain model, one module per concept."""

from .account import Account, AccountUser
from .agent import Agent
from .attachment import Attachment
from .contact import Contact, ContactInbox
from .conversation import Conversation
from .inbox import Inbox, InboxMember
from .label import Label
from .message import Message
from .notification import Mention, Notification
from .participant import ConversationParticipant
from .team import Team, TeamMember
from .user import User

__all__ = [
    "Account",
    "AccountUser",
    "Agent",
    "Attachment",
    "Contact",
    "ContactInbox",
    "Conversation",
    "ConversationParticipant",
    "Inbox",
    "InboxMember",
    "Label",
    "Mention",
    "Message",
    "Notification",
    "Team",
    "TeamMember",
    "User",
]
