"""Reads: what an agent or a contact session may see. Views fetch through these only."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from .models import AccountUser, Contact, ContactInbox, Conversation, Inbox, Message, Notification


def account_membership(*, user: AbstractBaseUser, account_id: int) -> AccountUser | None:
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
    return (
        Conversation.objects.filter(
            account_id=membership.account_id,
            inbox__in=inboxes_visible_to(membership=membership),
        )
        .select_related("inbox", "contact", "contact_inbox", "assignee__agent", "team")
        .prefetch_related("labels")
    )


def conversation_list(
    *,
    membership: AccountUser,
    status: str | None = None,
    inbox_id: int | None = None,
    team_id: int | None = None,
    assignee: str | None = None,
    labels: list[str] | None = None,
    query: str = "",
) -> QuerySet[Conversation]:
    """``assignee``: ``me``, ``unassigned``, ``assigned``, or omitted for all; ``labels``:
    conversations that have any of these label titles."""
    conversations = conversations_visible_to(membership=membership)
    if status and status != "all":
        conversations = conversations.filter(status=status)
    if inbox_id is not None:
        conversations = conversations.filter(inbox_id=inbox_id)
    if team_id is not None:
        conversations = conversations.filter(team_id=team_id)
    if labels:
        tagged = Conversation.labels.through.objects.filter(label__title__in=labels)
        conversations = conversations.filter(pk__in=tagged.values("conversation_id"))
    if query:
        # As Chatwoot's q: the contact's name, email or phone number, or a message's text.
        matching = Message.objects.filter(
            account_id=membership.account_id, content__icontains=query
        ).values("conversation_id")
        conversations = conversations.filter(
            Q(contact__name__icontains=query)
            | Q(contact__email__icontains=query)
            | Q(contact__phone_number__icontains=query)
            | Q(pk__in=matching)
        )
    if assignee == "me":
        conversations = conversations.filter(assignee_id=membership.user_id)
    elif assignee == "unassigned":
        conversations = conversations.filter(assignee__isnull=True)
    elif assignee == "assigned":
        conversations = conversations.filter(assignee__isnull=False)
    return conversations.order_by("-last_activity_at", "-id")


def conversation_messages(*, conversation: Conversation, for_contact: bool) -> QuerySet[Message]:
    messages = conversation.messages.select_related(
        "sender_user__agent", "sender_contact"
    ).prefetch_related("attachments")
    if for_contact:
        messages = messages.filter(private=False).exclude(message_type=Message.MessageType.ACTIVITY)
    return messages.order_by("created_at", "id")


def conversation_counts(conversations: QuerySet[Conversation], *, user_id: int) -> dict[str, int]:
    """Mine, assigned, unassigned and all of ``conversations``, in one query."""
    counts = conversations.order_by().aggregate(
        all_count=Count("pk"),
        mine_count=Count("pk", filter=Q(assignee_id=user_id)),
        unassigned_count=Count("pk", filter=Q(assignee__isnull=True)),
    )
    counts["assigned_count"] = counts["all_count"] - counts["unassigned_count"]
    return counts


def contact_search(*, account_id: int, query: str) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(account_id=account_id)
        .filter(
            Q(name__icontains=query)
            | Q(email__icontains=query)
            | Q(phone_number__icontains=query)
            | Q(identifier__icontains=query)
        )
        .order_by("id")
    )


# Chatwoot's message pages: the latest 20; 20 before an id; up to 100 after one.
LATEST = 20
AFTER_LIMIT = 100


def conversation_messages_page(
    *,
    conversation: Conversation,
    for_contact: bool,
    before: int | None = None,
    after: int | None = None,
) -> list[Message]:
    """Messages in time order: the latest page, the page before ``before``, or those after
    ``after`` (the reconnect backfill); both ids give the messages between them."""
    messages = conversation_messages(conversation=conversation, for_contact=for_contact)
    if after is not None and before is not None:
        return list(messages.filter(id__gte=after, id__lt=before)[:1000])
    if after is not None:
        return list(messages.filter(id__gt=after)[:AFTER_LIMIT])
    if before is not None:
        messages = messages.filter(id__lt=before)
    return list(messages.order_by("-created_at", "-id")[:LATEST])[::-1]


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


def notification_counts(user_id: int, account_id: int) -> dict[str, int]:
    """An agent's notifications in an account: unread and all."""
    mine = Notification.objects.filter(user_id=user_id, account_id=account_id)
    return {"unread_count": mine.filter(read_at__isnull=True).count(), "count": mine.count()}
