"""Reads: what an agent or a contact session may see. Views fetch through these only."""

from django.db.models import QuerySet

from .models import AccountUser, ContactInbox, Conversation, Inbox, Message, User


def account_membership(*, user: User, account_id: int) -> AccountUser | None:
    """The agent's membership of an active account, or None (the account then 'does not exist')."""
    return (
        AccountUser.objects.select_related("account")
        .filter(user=user, account_id=account_id, account__status="active")
        .first()
    )


def inboxes_visible_to(*, membership: AccountUser) -> QuerySet[Inbox]:
    """Administrators see every inbox of the account; agents the inboxes they are members of."""
    inboxes = Inbox.objects.filter(account_id=membership.account_id)
    if not membership.is_administrator:
        inboxes = inboxes.filter(members__user_id=membership.user_id)
    return inboxes


def conversations_visible_to(*, membership: AccountUser) -> QuerySet[Conversation]:
    return Conversation.objects.filter(
        account_id=membership.account_id,
        inbox__in=inboxes_visible_to(membership=membership),
    ).select_related("inbox", "contact", "contact_inbox", "assignee", "team")


def conversation_list(
    *,
    membership: AccountUser,
    status: str | None = None,
    inbox_id: int | None = None,
    assignee: str | None = None,
) -> QuerySet[Conversation]:
    """``assignee``: ``me``, ``unassigned``, ``assigned``, or omitted for all."""
    conversations = conversations_visible_to(membership=membership)
    if status and status != "all":
        conversations = conversations.filter(status=status)
    if inbox_id is not None:
        conversations = conversations.filter(inbox_id=inbox_id)
    if assignee == "me":
        conversations = conversations.filter(assignee_id=membership.user_id)
    elif assignee == "unassigned":
        conversations = conversations.filter(assignee__isnull=True)
    elif assignee == "assigned":
        conversations = conversations.filter(assignee__isnull=False)
    return conversations.order_by("-last_activity_at", "-id")


def conversation_messages(*, conversation: Conversation, for_contact: bool) -> QuerySet[Message]:
    messages = conversation.messages.select_related("sender_user", "sender_contact")
    if for_contact:
        messages = messages.filter(private=False).exclude(message_type=Message.MessageType.ACTIVITY)
    return messages.order_by("created_at", "id")


def public_session(*, inbox_identifier: str, source_id: str) -> ContactInbox | None:
    """A contact session of an API inbox, addressed as the client API addresses it."""
    return (
        ContactInbox.objects.select_related("contact", "inbox__account")
        .filter(
            inbox__identifier=inbox_identifier,
            inbox__channel_type=Inbox.ChannelType.API,
            inbox__account__status="active",
            source_id=source_id,
        )
        .first()
    )


def public_inbox(*, inbox_identifier: str) -> Inbox | None:
    return (
        Inbox.objects.select_related("account")
        .filter(
            identifier=inbox_identifier,
            channel_type=Inbox.ChannelType.API,
            account__status="active",
        )
        .first()
    )
