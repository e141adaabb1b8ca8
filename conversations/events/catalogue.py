"""
The event catalogue: which domain change means which event, and for whom.

| change                              | events                          | recipients        |
|-------------------------------------|---------------------------------|-------------------|
| conversation created                | conversation.created            | agents, contact   |
| status changed                      | conversation.status_changed     | agents, contact   |
| assignee / team / contact changed   | assignee.changed, team.changed, | agents            |
|                                     | conversation.contact_changed    |                   |
| contact_last_seen_at (contact read) | conversation.read               | agents            |
| status, assignee, team, attributes  | conversation.updated            | agents, contact   |
| message created / changed           | message.created / .updated      | agents; contact   |
|                                     |                                 | unless note/activ.|
| typing (domain signal)              | conversation.typing_on / _off   | agents but typist;|
|                                     |                                 | contact unless note|
| contact created / changed / deleted | contact.created/updated/deleted | account's agents  |
| contacts merged (domain signal)     | contact.updated (the base)      | account's agents  |
| first human reply to a contact      | first.reply.created             | agents            |
| labels, inboxes, teams, members     | account.cache_invalidated       | account's agents  |
| an agent mentioned in a note        | conversation.mentioned          | that agent        |
| notification made / read / deleted  | notification.created/updated/   | its agent         |
|                                     | deleted                         |                   |

"agents" are the inbox's member agents and the account's administrators. Membership, role,
token and account-status changes re-authorise live subscriptions instead of sending events.
"""

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from .. import presence, streams
from ..access import AgentGrant
from ..models import (
    Account,
    AccountUser,
    Contact,
    Conversation,
    Inbox,
    InboxMember,
    Label,
    Mention,
    Message,
    Notification,
    Team,
    TeamMember,
)
from ..selectors import notification_counts
from ..signals import contact_merged, typing_changed
from . import names, recipients
from .payloads import (
    contact_payload,
    conversation_payload,
    load_conversation,
    message_payload,
    notification_payload,
    user_payload,
)
from .publish import Event, after_commit, control_after_commit, send_after_commit

# (fields, event) in the order events are sent for one save.
CONVERSATION_CHANGES: list[tuple[frozenset[str], str]] = [
    (frozenset({"status"}), names.CONVERSATION_STATUS_CHANGED),
    (frozenset({"assignee"}), names.ASSIGNEE_CHANGED),
    (frozenset({"team"}), names.TEAM_CHANGED),
    (frozenset({"contact", "contact_inbox"}), names.CONVERSATION_CONTACT_CHANGED),
    (frozenset({"contact_last_seen_at"}), names.CONVERSATION_READ),
    (
        frozenset(
            {
                "status",
                "assignee",
                "team",
                "custom_attributes",
                "additional_attributes",
                "priority",
                "snoozed_until",
                "waiting_since",
                "first_reply_created_at",
            }
        ),
        names.CONVERSATION_UPDATED,
    ),
]

# Conversation events the contact's own session receives too.
CONTACT_VISIBLE = frozenset(
    {names.CONVERSATION_CREATED, names.CONVERSATION_STATUS_CHANGED, names.CONVERSATION_UPDATED}
)


def saved_event(
    instance: Any, created: bool, raw: bool, created_event: str, updated_event: str
) -> str | None:
    """The event a save means: created, updated if a reported field changed, else none."""
    if raw or (not created and not instance.changed_fields()):
        return None
    instance.mark_saved()
    return created_event if created else updated_event


# Conversations ------------------------------------------------------------------------------


def conversation_saved(
    sender: Any, instance: Conversation, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    if created:
        events = [names.CONVERSATION_CREATED]
    else:
        changed = instance.changed_fields()
        events = [event for fields, event in CONVERSATION_CHANGES if changed & fields]
    instance.mark_saved()
    if events:
        send_after_commit(partial(conversation_events, instance.pk, events))


def conversation_labels_changed(
    sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any
) -> None:
    """Labels added to or removed from a conversation (API, admin, shell): one
    ``conversation.updated`` per transaction, however many adds and removes it took."""
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if getattr(instance, "_labels_event_queued", False):
        return
    instance._labels_event_queued = True

    def build() -> list[Event]:
        instance._labels_event_queued = False
        return conversation_events(instance.pk, [names.CONVERSATION_UPDATED])

    send_after_commit(build)


def conversation_events(conversation_id: int, events: list[str]) -> list[Event]:
    conversation = load_conversation(conversation_id)
    if conversation is None:
        return []
    data = {**conversation_payload(conversation), "account_id": conversation.account_id}
    agents = recipients.conversation_agents(conversation)
    contact = recipients.conversation_contact(conversation)
    return [
        Event(name, data, agents + contact if name in CONTACT_VISIBLE else agents)
        for name in events
    ]


# Messages -----------------------------------------------------------------------------------


def message_saved(
    sender: Any, instance: Message, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # Rails' previous_changes, which clients read on message.updated (form and CSAT answers).
    previous_changes = None if created or raw else instance.changes()
    event = saved_event(instance, created, raw, names.MESSAGE_CREATED, names.MESSAGE_UPDATED)
    if event is None:
        return
    # echo_id is not stored: the sender's client matches its optimistic message by it.
    echo_id = getattr(instance, "echo_id", None)
    # Set by message_create on the conversation's first human reply.
    first_reply = getattr(instance, "is_first_reply", False)
    send_after_commit(
        partial(message_events, instance.pk, event, echo_id, previous_changes, first_reply)
    )


def message_events(
    message_id: int,
    event: str,
    echo_id: str | None,
    previous_changes: dict[str, list[Any]] | None = None,
    first_reply: bool = False,
) -> list[Event]:
    message = (
        Message.objects.select_related("conversation", "sender_user__agent", "sender_contact")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return []
    conversation = message.conversation
    data = message_payload(message, conversation=conversation, echo_id=echo_id)
    if previous_changes is not None:
        data["previous_changes"] = previous_changes
    agents = recipients.conversation_agents(conversation)
    targets = agents + (
        recipients.conversation_contact(conversation) if message.is_visible_to_contact else []
    )
    events = [Event(event, data, targets)]
    if first_reply:
        events.append(Event(names.FIRST_REPLY_CREATED, data, agents))
    return events


# Typing -------------------------------------------------------------------------------------


def typing_toggled(
    sender: Any,
    conversation: Conversation,
    typist: Any,
    on: bool,
    is_private: bool = False,
    **kwargs: Any,
) -> None:
    send_after_commit(partial(typing_events, conversation.pk, typist, on, is_private))


def typing_events(conversation_id: int, typist: Any, on: bool, is_private: bool) -> list[Event]:
    conversation = load_conversation(conversation_id)
    if conversation is None:
        return []
    is_agent = not isinstance(typist, Contact)  # a user of the project's user model
    data = {
        "conversation": conversation_payload(conversation),
        "user": user_payload(typist, conversation.account_id)
        if is_agent
        else contact_payload(typist),
        "is_private": is_private,
        "account_id": conversation.account_id,
    }
    targets = recipients.conversation_agents(conversation)
    # The contact never sees a note being written, nor its own typing echoed back.
    if is_agent and not is_private:
        targets += recipients.conversation_contact(conversation)
    name = names.CONVERSATION_TYPING_ON if on else names.CONVERSATION_TYPING_OFF
    return [Event(name, data, targets, exclude=f"user.{typist.id}" if is_agent else None)]


# Contacts -----------------------------------------------------------------------------------


def contact_saved(
    sender: Any, instance: Contact, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    event = saved_event(instance, created, raw, names.CONTACT_CREATED, names.CONTACT_UPDATED)
    if event is None:
        return
    send_after_commit(partial(contact_events, instance.pk, event))


def contact_events(contact_id: int, event: str) -> list[Event]:
    contact = Contact.objects.filter(pk=contact_id).first()
    if contact is None:
        return []
    data = {**contact_payload(contact), "account_id": contact.account_id}
    return [Event(event, data, recipients.account_agents(contact.account_id))]


def contact_merged_into(sender: Any, base: Contact, **kwargs: Any) -> None:
    send_after_commit(partial(contact_events, base.pk, names.CONTACT_UPDATED))


def contact_deleted(sender: Any, instance: Contact, **kwargs: Any) -> None:
    # The row is gone at commit: the payload is taken now.
    data = {**contact_payload(instance), "account_id": instance.account_id}
    event = Event(names.CONTACT_DELETED, data, recipients.account_agents(instance.account_id))
    send_after_commit(lambda: [event])


# Cache keys: the dashboard's cached labels, inboxes and teams ---------------------------------

CACHED_LISTS: dict[type, str] = {
    Label: "label",
    Inbox: "inbox",
    InboxMember: "inbox",
    Team: "team",
    TeamMember: "team",
}


def cached_list_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    if isinstance(instance, InboxMember):
        account_id = Inbox.objects.filter(pk=instance.inbox_id).values_list("account_id", flat=True)
        account_id = account_id.first()
    elif isinstance(instance, TeamMember):
        account_id = Team.objects.filter(pk=instance.team_id).values_list("account_id", flat=True)
        account_id = account_id.first()
    else:
        account_id = instance.account_id
    if account_id is None:
        return  # deleted with its inbox or team, which bumps the key itself
    Account.bump_cache_key(account_id, CACHED_LISTS[sender])
    send_after_commit(partial(cache_events, account_id))


def cache_events(account_id: int) -> list[Event]:
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return []
    data = {"cache_keys": account.cache_keys(), "account_id": account_id}
    return [Event(names.ACCOUNT_CACHE_INVALIDATED, data, recipients.account_agents(account_id))]


# Notifications and mentions: one agent each, on the account's agents stream (only=) ------


def notification_saved(
    sender: Any, instance: Notification, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    event = names.NOTIFICATION_CREATED if created else names.NOTIFICATION_UPDATED
    send_after_commit(partial(notification_events, instance.pk, event))


def notification_events(notification_id: int, event: str) -> list[Event]:
    notification = (
        Notification.objects.select_related("conversation", "user__agent", "actor__agent")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return []
    data = {
        "notification": notification_payload(notification),
        **notification_counts(notification.user_id, notification.account_id),
        "account_id": notification.account_id,
    }
    return [_to_agent(event, data, notification.account_id, notification.user_id)]


def notification_deleted(sender: Any, instance: Notification, **kwargs: Any) -> None:
    account_id, user_id, pk = instance.account_id, instance.user_id, instance.pk

    def build() -> list[Event]:
        data = {
            "notification": {"id": pk},
            **notification_counts(user_id, account_id),
            "account_id": account_id,
        }
        return [_to_agent(names.NOTIFICATION_DELETED, data, account_id, user_id)]

    send_after_commit(build)


def mention_saved(
    sender: Any, instance: Mention, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    user_id, conversation_id = instance.user_id, instance.conversation_id

    def build() -> list[Event]:
        conversation = load_conversation(conversation_id)
        if conversation is None:
            return []
        data = {**conversation_payload(conversation), "account_id": conversation.account_id}
        return [_to_agent(names.CONVERSATION_MENTIONED, data, conversation.account_id, user_id)]

    send_after_commit(build)


def _to_agent(name: str, data: dict[str, Any], account_id: int, user_id: int) -> Event:
    """An event for one agent: the account's agents stream, that agent's subscriptions only."""
    return Event(name, data, recipients.account_agents(account_id), only=AgentGrant.key(user_id))


# Access changes: live subscriptions re-authorise -------------------------------------------

REAUTHORIZE = {"op": "reauthorize"}


def reauthorize_agent(user_id: int, account_ids: Iterable[int]) -> None:
    """After commit, agent ``user_id``'s live subscriptions in those accounts re-authorise."""
    control_after_commit(
        [streams.account_agents(account_id) for account_id in account_ids],
        REAUTHORIZE,
        only=AgentGrant.key(user_id),
    )


def membership_changed(sender: Any, instance: InboxMember | AccountUser, **kwargs: Any) -> None:
    if isinstance(instance, AccountUser):
        account_id = instance.account_id
    else:
        account_id = (
            Inbox.objects.filter(pk=instance.inbox_id).values_list("account_id", flat=True).first()
        )
        if account_id is None:
            return  # the inbox went with it (cascade): so did everyone's access to it
    reauthorize_agent(instance.user_id, [account_id])


def account_user_saved(
    sender: Any, instance: AccountUser, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    changed = instance.changed_fields()
    instance.mark_saved()
    if created or "role" in changed:
        membership_changed(sender, instance)
    if created or changed & {"availability", "auto_offline"}:
        after_commit(presence.availability_changed, instance)


def account_saved(
    sender: Any, instance: Account, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or created:
        return
    control_after_commit([streams.account_agents(instance.pk)], REAUTHORIZE)


def connect() -> None:
    """Connect every receiver; called once from ConversationsConfig.ready()."""
    post_save.connect(conversation_saved, sender=Conversation, dispatch_uid="events.conversation")
    post_save.connect(message_saved, sender=Message, dispatch_uid="events.message")
    post_save.connect(contact_saved, sender=Contact, dispatch_uid="events.contact")
    post_delete.connect(contact_deleted, sender=Contact, dispatch_uid="events.contact_deleted")
    typing_changed.connect(typing_toggled, dispatch_uid="events.typing")
    contact_merged.connect(contact_merged_into, dispatch_uid="events.contact_merged")
    post_save.connect(notification_saved, sender=Notification, dispatch_uid="events.notification")
    post_delete.connect(
        notification_deleted, sender=Notification, dispatch_uid="events.notification_deleted"
    )
    post_save.connect(mention_saved, sender=Mention, dispatch_uid="events.mention")
    m2m_changed.connect(
        conversation_labels_changed,
        sender=Conversation.labels.through,
        dispatch_uid="events.conversation_labels",
    )
    for model in CACHED_LISTS:
        for signal in (post_save, post_delete):
            signal.connect(
                cached_list_changed, sender=model, dispatch_uid=f"events.cache.{model.__name__}"
            )
    post_save.connect(membership_changed, sender=InboxMember, dispatch_uid="events.InboxMember")
    post_save.connect(account_user_saved, sender=AccountUser, dispatch_uid="events.AccountUser")
    for model in (InboxMember, AccountUser):
        post_delete.connect(
            membership_changed, sender=model, dispatch_uid=f"events.{model.__name__}.deleted"
        )
    post_save.connect(account_saved, sender=Account, dispatch_uid="events.account")
