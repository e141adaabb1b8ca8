"""Activity messages: the lines the dashboard shows in a conversation when agents change it.

They are ``message_type`` 2 (activity): agents see them; contacts never do. Written only when
an actor is known (an API call), as Chatwoot writes them only with a current user; the texts
are Chatwoot's English ones (``conversations.activity.*``).
"""

from ..models import Contact, Conversation, Message, Team, User

STATUS_TEXT = {
    Conversation.Status.RESOLVED: "Conversation was marked resolved by {name}",
    Conversation.Status.OPEN: "Conversation was reopened by {name}",
    Conversation.Status.PENDING: "Conversation was marked as pending by {name}",
    Conversation.Status.SNOOZED: "Conversation was snoozed by {name}",
}
CONTACT_RESOLVED = "Conversation was resolved by {name}"
SYSTEM_REOPENED = "System reopened the conversation due to a new incoming message."


def activity_create(*, conversation: Conversation, content: str) -> Message:
    return Message.objects.create(
        conversation=conversation,
        content=content,
        message_type=Message.MessageType.ACTIVITY,
    )


def actor_name(actor: User | Contact) -> str:
    return actor.name if isinstance(actor, User) else (actor.name or "Contact").capitalize()


def status_activity(*, conversation: Conversation, actor: User | Contact) -> None:
    if isinstance(actor, Contact):
        if conversation.status != Conversation.Status.RESOLVED:
            return
        text = CONTACT_RESOLVED
    else:
        text = STATUS_TEXT[Conversation.Status(conversation.status)]
    activity_create(conversation=conversation, content=text.format(name=actor_name(actor)))


def priority_activity(
    *, conversation: Conversation, actor: User, before: str | None, after: str | None
) -> None:
    if before and after:
        text = f"{actor.name} changed the priority from {before} to {after}"
    elif after:
        text = f"{actor.name} set the priority to {after}"
    elif before:
        text = f"{actor.name} removed the priority"
    else:
        return
    activity_create(conversation=conversation, content=text)


def assignee_activity(*, conversation: Conversation, actor: User) -> None:
    assignee = conversation.assignee
    if assignee is None:
        text = f"Conversation unassigned by {actor.name}"
    elif assignee.pk == actor.pk:
        text = f"{actor.name} self-assigned this conversation"
    else:
        text = f"Assigned to {assignee.name} by {actor.name}"
    activity_create(conversation=conversation, content=text)


def team_activity(
    *, conversation: Conversation, actor: User, previous: Team | None, with_assignee: bool
) -> None:
    team = conversation.team
    if team is None:
        text = f"Unassigned from {previous.name if previous else ''} by {actor.name}"
    elif with_assignee and conversation.assignee is not None:
        text = f"Assigned to {conversation.assignee.name} via {team.name} by {actor.name}"
    else:
        text = f"Assigned to {team.name} by {actor.name}"
    activity_create(conversation=conversation, content=text)


def labels_activity(
    *, conversation: Conversation, actor: User, added: list[str], removed: list[str]
) -> None:
    if added:
        activity_create(conversation=conversation, content=f"{actor.name} added {', '.join(added)}")
    if removed:
        activity_create(
            conversation=conversation, content=f"{actor.name} removed {', '.join(removed)}"
        )
