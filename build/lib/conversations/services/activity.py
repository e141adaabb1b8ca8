"""Activity messages: the lines the dashboard shows in a conversation when agents change it.

They are ``message_type`` 2 (activity): agents see them; contacts never do. Written only when
an actor is known (an API call), as Chatwoot writes them only with a current user; the texts
are Chatwoot's English ones (``conversations.activity.*``).
"""

from django.contrib.auth.base_user import AbstractBaseUser

from ..models import Contact, Conversation, Message, Team
from ..models.agent import agent_of

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


def actor_name(actor: AbstractBaseUser | Contact) -> str:
    if isinstance(actor, Contact):
        return (actor.name or "Contact").capitalize()
    return agent_of(actor).name


def status_activity(*, conversation: Conversation, actor: AbstractBaseUser | Contact) -> None:
    if isinstance(actor, Contact):
        if conversation.status != Conversation.Status.RESOLVED:
            return
        text = CONTACT_RESOLVED
    else:
        text = STATUS_TEXT[Conversation.Status(conversation.status)]
    activity_create(conversation=conversation, content=text.format(name=actor_name(actor)))


def priority_activity(
    *, conversation: Conversation, actor: AbstractBaseUser, before: str | None, after: str | None
) -> None:
    if before and after:
        text = f"{actor_name(actor)} changed the priority from {before} to {after}"
    elif after:
        text = f"{actor_name(actor)} set the priority to {after}"
    elif before:
        text = f"{actor_name(actor)} removed the priority"
    else:
        return
    activity_create(conversation=conversation, content=text)


def assignee_activity(*, conversation: Conversation, actor: AbstractBaseUser) -> None:
    assignee = conversation.assignee
    if assignee is None:
        text = f"Conversation unassigned by {actor_name(actor)}"
    elif assignee.pk == actor.pk:
        text = f"{actor_name(actor)} self-assigned this conversation"
    else:
        text = f"Assigned to {actor_name(assignee)} by {actor_name(actor)}"
    activity_create(conversation=conversation, content=text)


def team_activity(
    *,
    conversation: Conversation,
    actor: AbstractBaseUser,
    previous: Team | None,
    with_assignee: bool,
) -> None:
    team = conversation.team
    if team is None:
        text = f"Unassigned from {previous.name if previous else ''} by {actor_name(actor)}"
    elif with_assignee and conversation.assignee is not None:
        assignee = actor_name(conversation.assignee)
        text = f"Assigned to {assignee} via {team.name} by {actor_name(actor)}"
    else:
        text = f"Assigned to {team.name} by {actor_name(actor)}"
    activity_create(conversation=conversation, content=text)


def labels_activity(
    *, conversation: Conversation, actor: AbstractBaseUser, added: list[str], removed: list[str]
) -> None:
    if added:
        activity_create(
            conversation=conversation, content=f"{actor_name(actor)} added {', '.join(added)}"
        )
    if removed:
        activity_create(
            conversation=conversation, content=f"{actor_name(actor)} removed {', '.join(removed)}"
        )
