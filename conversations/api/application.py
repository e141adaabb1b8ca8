"""The application API (agents): ``/api/v1/accounts/{account_id}/…``. Views stay thin."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import parsers, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from .. import filtering, presence, selectors
from ..attachments import upload_problem
from ..conf import carbonchat_settings
from ..events.formats import iso_ms
from ..events.payloads import label_titles
from ..filtering import FilterError
from ..models import AccountUser, Contact, ContactInbox, Conversation, Label, Message, Team
from ..services import contacts as contact_services
from ..services import conversations as conversation_services
from ..services import labels as label_services
from ..services import messages as message_services
from ..services import participants as participant_services
from . import serializers as inputs
from .authentication import AccessTokenAuthentication
from .pagination import page_of
from .params import query_int
from .representations import (
    agent_body,
    contact_body,
    contact_inbox_body,
    contact_inbox_body_inbox,
    conversation_body,
    label_body,
    message_body,
    messages_meta,
    team_columns,
)
from .schema import document

# Message creation also takes multipart bodies: the dashboard and widget send files so.
WITH_UPLOADS = [*api_settings.DEFAULT_PARSER_CLASSES, parsers.MultiPartParser, parsers.FormParser]


def uploaded_attachments(
    request: Request, *, from_contact: bool, field: str = "attachments[]"
) -> list[UploadedFile]:
    """The files of ``field`` (or the same without ``[]``), each checked; a bad one is a 400
    naming ``attachments``, before anything is saved."""
    files = request.FILES.getlist(field) + request.FILES.getlist(field.removesuffix("[]"))
    limit = int(carbonchat_settings.MAX_ATTACHMENTS_PER_MESSAGE)
    if len(files) > limit:
        raise serializers.ValidationError({"attachments": [f"At most {limit} files a message."]})
    problems = [p for p in (upload_problem(f, from_contact=from_contact) for f in files) if p]
    if problems:
        raise serializers.ValidationError({"attachments": problems})
    return files


def validated(
    serializer_class: type[serializers.Serializer], data: Any, **context: Any
) -> dict[str, Any]:
    """The request body, validated: a bad field raises a 400 that names it."""
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AgentAPIView(APIView):
    """Authenticated by ``api_access_token``; the agent must belong to the path's account.

    Anything outside the agent's reach is a 404, indistinguishable from a missing thing.
    """

    authentication_classes = [AccessTokenAuthentication]
    membership: AccountUser

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        membership = selectors.account_membership(
            user=request.user, account_id=kwargs["account_id"]
        )
        if membership is None:
            raise NotFound()
        self.membership = membership

    @property
    def account_id(self) -> int:
        return self.membership.account_id

    def members_of_account(self, user_ids: list[int], field: str = "user_ids") -> list[int]:
        """``user_ids`` if every one is an agent of this account; otherwise a 400."""
        known = set(
            AccountUser.objects.filter(
                account_id=self.account_id, user_id__in=user_ids
            ).values_list("user_id", flat=True)
        )
        unknown = sorted(set(user_ids) - known)
        if unknown:
            raise serializers.ValidationError({field: [f"Not agents of this account: {unknown}."]})
        return user_ids

    def require_administrator(self) -> None:
        if not self.membership.is_administrator:
            raise PermissionDenied("Only administrators of the account may do this.")

    def get_conversation(self, display_id: int) -> Conversation:
        return get_object_or_404(
            selectors.conversations_visible_to(membership=self.membership), display_id=display_id
        )

    def get_contact(self, contact_id: int) -> Contact:
        return get_object_or_404(Contact, account_id=self.account_id, pk=contact_id)

    def account_user(self, user_id: int | None, field: str) -> AbstractBaseUser | None:
        if user_id is None:
            return None
        member = (
            AccountUser.objects.select_related("user__agent")
            .filter(account_id=self.account_id, user_id=user_id)
            .first()
        )
        if member is None:
            raise serializers.ValidationError({field: ["No such agent in this account."]})
        return member.user

    def visible_inbox(self, inbox_id: int, field: str = "inbox_id") -> Any:
        inbox = selectors.inboxes_visible_to(membership=self.membership).filter(pk=inbox_id).first()
        if inbox is None:
            raise serializers.ValidationError({field: ["No such inbox."]})
        return inbox

    def account_team(self, team_id: int | None, field: str = "team_id") -> Team | None:
        if team_id is None:
            return None
        team = Team.objects.filter(account_id=self.account_id, pk=team_id).first()
        if team is None:
            raise serializers.ValidationError({field: ["No such team in this account."]})
        return team


class ConversationFilters:
    """The list filters Chatwoot's clients send, read strictly (a bad one is a 400)."""

    def __init__(self, view: "AgentAPIView", params: Any) -> None:
        self.inbox_id = query_int(params.get("inbox_id"), "inbox_id")
        self.team_id = query_int(params.get("team_id"), "team_id")
        self.labels = [
            label.lower() for label in params.getlist("labels[]") or params.getlist("labels")
        ]
        self.query = (params.get("q") or "").strip()[:200]
        self.status = params.get("status") or "open"
        if self.status not in [*Conversation.Status.values, "all"]:
            raise serializers.ValidationError({"status": [f"Unknown status {self.status!r}."]})
        self.assignee = params.get("assignee_type")
        if self.assignee and self.assignee not in {"me", "unassigned", "assigned", "all"}:
            raise serializers.ValidationError(
                {"assignee_type": [f"Unknown value {self.assignee!r}."]}
            )
        self.membership = view.membership

    def conversations(self, *, assignee: str | None) -> Any:
        return selectors.conversation_list(
            membership=self.membership,
            status=self.status,
            inbox_id=self.inbox_id,
            team_id=self.team_id,
            assignee=assignee,
            labels=self.labels,
            query=self.query,
        )

    def counts(self) -> dict[str, int]:
        """The Mine / Unassigned / All tabs: every filter but the assignee's."""
        return selectors.conversation_counts(
            self.conversations(assignee=None), user_id=self.membership.user_id
        )


class ConversationListView(AgentAPIView):
    @document(None, "conversations_list")
    def get(self, request: Request, account_id: int) -> Response:
        params = request.query_params
        filters = ConversationFilters(self, params)
        updated_within = query_int(params.get("updated_within"), "updated_within", minimum=0)
        conversations = filters.conversations(assignee=filters.assignee)
        if updated_within is not None:
            # A reconnecting dashboard: everything changed while it was away, unpaged.
            since = timezone.now() - timedelta(seconds=updated_within)
            page = list(conversations.filter(updated_at__gt=since))
            meta = {"current_page": 1, "page_size": len(page)}
        else:
            page, meta = page_of(conversations, params.get("page"))
        meta = {**meta, **filters.counts()}
        return Response({"data": {"meta": meta, "payload": [conversation_body(c) for c in page]}})

    @document(inputs.ConversationCreateSerializer, "conversations_create")
    def post(self, request: Request, account_id: int) -> Response:
        data = validated(inputs.ConversationCreateSerializer, request.data)
        inbox = (
            selectors.inboxes_visible_to(membership=self.membership)
            .filter(pk=data["inbox_id"])
            .first()
        )
        if inbox is None:
            raise serializers.ValidationError({"inbox_id": ["No such inbox."]})
        assignee = self.account_user(data.get("assignee_id"), "assignee_id")
        team = self.account_team(data.get("team_id"))
        with transaction.atomic():
            session = self._session(inbox, data)
            conversation = conversation_services.conversation_create(
                inbox=inbox,
                contact_inbox=session,
                assignee=assignee,
                team=team,
                status=data.get("status", Conversation.Status.OPEN),
                additional_attributes=data["additional_attributes"],
                custom_attributes=data["custom_attributes"],
            )
            if "message" in data:
                message_services.message_create(
                    conversation=conversation,
                    content=data["message"]["content"],
                    message_type=Message.MessageType.OUTGOING,
                    sender=request.user,
                )
        conversation = self.get_conversation(conversation.display_id)
        return Response(conversation_body(conversation), status=status.HTTP_201_CREATED)

    def _session(self, inbox, data: dict[str, Any]) -> ContactInbox:
        if "source_id" in data:
            session = ContactInbox.objects.filter(inbox=inbox, source_id=data["source_id"]).first()
            if session is None or (
                "contact_id" in data and session.contact_id != data["contact_id"]
            ):
                raise serializers.ValidationError({"source_id": ["No such contact session."]})
            return session
        contact = Contact.objects.filter(account_id=self.account_id, pk=data["contact_id"]).first()
        if contact is None:
            raise serializers.ValidationError({"contact_id": ["No such contact."]})
        session = ContactInbox.objects.filter(inbox=inbox, contact=contact).first()
        return session or contact_services.contact_session_create(contact=contact, inbox=inbox)


def filter_refused(error: FilterError) -> Response:
    """Chatwoot's 422 for a condition it cannot run, naming the condition."""
    return Response(
        {"error": error.message, "message": error.message, "attributes": [error.field]},
        status=status.HTTP_422_UNPROCESSABLE_ENTITY,
    )


def filter_conditions(request: Request) -> Any:
    if not isinstance(request.data, dict) or "payload" not in request.data:
        raise serializers.ValidationError({"payload": ['Send {"payload": [conditions]}.']})
    return request.data["payload"]


class ConversationFilterView(AgentAPIView):
    """``POST conversations/filter {payload: [conditions]}`` (Chatwoot's advanced filters)."""

    @document(None, "conversations_filter")
    def post(self, request: Request, account_id: int) -> Response:
        visible = selectors.conversations_visible_to(membership=self.membership)
        try:
            conversations = filtering.conversations_filtered(visible, filter_conditions(request))
        except FilterError as error:
            return filter_refused(error)
        conversations = conversations.order_by("-last_activity_at", "-id")
        page, meta = page_of(conversations, request.query_params.get("page"))
        counts = selectors.conversation_counts(conversations, user_id=self.membership.user_id)
        return Response(
            {
                "meta": {**counts, "current_page": meta["current_page"]},
                "payload": [conversation_body(c) for c in page],
            }
        )


class ConversationMetaView(AgentAPIView):
    @document(None, "conversations_meta")
    def get(self, request: Request, account_id: int) -> Response:
        return Response({"meta": ConversationFilters(self, request.query_params).counts()})


class ConversationDetailView(AgentAPIView):
    @document(None, "conversations_show")
    def get(self, request: Request, account_id: int, display_id: int) -> Response:
        return Response(conversation_body(self.get_conversation(display_id)))

    @document(inputs.ConversationUpdateSerializer, "conversations_update")
    def patch(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.ConversationUpdateSerializer, request.data)
        conversation_services.conversation_toggle_priority(
            conversation=conversation, priority=data["priority"], actor=request.user
        )
        return Response(conversation_body(self.get_conversation(display_id)))


class TogglePriorityView(AgentAPIView):
    @document(inputs.PrioritySerializer, "conversations_toggle_priority")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.PrioritySerializer, request.data)
        conversation_services.conversation_toggle_priority(
            conversation=conversation, priority=data["priority"], actor=request.user
        )
        return Response({})


class ConversationCustomAttributesView(AgentAPIView):
    @document(inputs.CustomAttributesSerializer, "conversations_custom_attributes")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.CustomAttributesSerializer, request.data)
        conversation_services.conversation_update_attributes(
            conversation=conversation, custom_attributes=data["custom_attributes"]
        )
        return Response({"custom_attributes": conversation.custom_attributes})


class MuteView(AgentAPIView):
    muted = True

    @document(None, "conversations_mute")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation_services.conversation_mute(
            conversation=self.get_conversation(display_id), muted=self.muted, actor=request.user
        )
        return Response({})


class UnmuteView(MuteView):
    muted = False

    @document(None, "conversations_unmute")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        return super().post(request, account_id, display_id)


class UnreadView(AgentAPIView):
    @document(None, "conversations_unread")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        conversation_services.conversation_mark_unread(conversation=conversation)
        return Response(conversation_body(self.get_conversation(display_id)))


class ConversationLabelsView(AgentAPIView):
    @document(None, "conversation_labels_list")
    def get(self, request: Request, account_id: int, display_id: int) -> Response:
        return Response({"payload": label_titles(self.get_conversation(display_id))})

    @document(inputs.LabelsSerializer, "conversation_labels_set")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.LabelsSerializer, request.data, account_id=self.account_id)
        titles = conversation_services.conversation_labels_set(
            conversation=conversation, labels=data["labels"], actor=request.user
        )
        return Response({"payload": titles})


class MessageListView(AgentAPIView):
    @document(None, "messages_list")
    def get(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        params = request.query_params
        messages = selectors.conversation_messages_page(
            conversation=conversation,
            for_contact=False,
            before=query_int(params.get("before"), "before"),
            after=query_int(params.get("after"), "after", minimum=0),
        )
        return Response(
            {
                "meta": messages_meta(conversation),
                "payload": [message_body(m, conversation) for m in messages],
            }
        )

    parser_classes = WITH_UPLOADS

    @document(inputs.MessageCreateSerializer, "messages_create")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        uploads = uploaded_attachments(request, from_contact=False)
        data = validated(inputs.MessageCreateSerializer, request.data, attachments=uploads)
        message_type = inputs.MESSAGE_TYPES[data["message_type"]]
        sender = (
            request.user if message_type == Message.MessageType.OUTGOING else (conversation.contact)
        )
        message = message_services.message_create(
            conversation=conversation,
            content=data["content"],
            message_type=message_type,
            sender=sender,
            private=data["private"],
            content_type=data["content_type"],
            content_attributes=data["content_attributes"],
            echo_id=data["echo_id"],
            attachments=uploads,
        )
        return Response(
            message_body(message, conversation, data["echo_id"]), status=status.HTTP_201_CREATED
        )


class MessageDetailView(AgentAPIView):
    def get_message(self, display_id: int, message_id: int) -> tuple[Conversation, Message]:
        conversation = self.get_conversation(display_id)
        message = get_object_or_404(
            conversation.messages.select_related("sender_user__agent", "sender_contact"),
            pk=message_id,
        )
        return conversation, message

    @document(inputs.MessageUpdateSerializer, "messages_update")
    def patch(
        self, request: Request, account_id: int, display_id: int, message_id: int
    ) -> Response:
        conversation, message = self.get_message(display_id, message_id)
        data = validated(inputs.MessageUpdateSerializer, request.data)
        message = message_services.message_update(message=message, **data)
        return Response(message_body(message, conversation))

    @document(None, "messages_delete")
    def delete(
        self, request: Request, account_id: int, display_id: int, message_id: int
    ) -> Response:
        conversation, message = self.get_message(display_id, message_id)
        message = message_services.message_delete(message=message)
        return Response(message_body(message, conversation))


class ToggleStatusView(AgentAPIView):
    @document(inputs.ToggleStatusSerializer, "conversations_toggle_status")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.ToggleStatusSerializer, request.data)
        conversation_services.conversation_toggle_status(
            conversation=conversation,
            status=data.get("status"),
            snoozed_until=data.get("snoozed_until"),
            actor=request.user,
        )
        return Response(
            {
                "meta": {},
                "payload": {
                    "success": True,
                    "current_status": conversation.status,
                    "conversation_id": conversation.display_id,
                    "snoozed_until": iso_ms(conversation.snoozed_until),
                },
            }
        )


class AssignmentView(AgentAPIView):
    @document(inputs.AssignmentSerializer, "conversations_assign")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.AssignmentSerializer, request.data)
        changes: dict[str, Any] = {}
        if "assignee_id" in data:
            changes["assignee"] = self.account_user(data["assignee_id"], "assignee_id")
        if "team_id" in data:
            changes["team"] = self.account_team(data["team_id"])
        conversation_services.conversation_assign(
            conversation=conversation, actor=request.user, **changes
        )
        # Chatwoot answers with what was assigned: the agent (its agent view), else the team
        # (its columns), else null; the conversation itself comes through the socket.
        if "assignee_id" in data:
            if changes["assignee"] is None:
                return json_null()
            member = AccountUser.objects.select_related("user__agent").get(
                account_id=self.account_id, user=changes["assignee"]
            )
            return Response(agent_body(member))
        team = changes.get("team")
        return Response(team_columns(team)) if team is not None else json_null()


def json_null() -> HttpResponse:
    """Chatwoot's ``render json: nil``: the JSON literal ``null`` (DRF would send no body)."""
    return HttpResponse(b"null", content_type="application/json")


class ParticipantsView(AgentAPIView):
    """``conversations/{id}/participants``: list, add, replace (``PATCH``) and remove
    (``DELETE``) by ``user_ids``; answers are agent views, as Chatwoot's."""

    def participants_body(self, conversation: Conversation, user_ids: Any = None) -> Response:
        ids = participant_services.participant_ids(conversation) if user_ids is None else user_ids
        members = AccountUser.objects.filter(
            account_id=self.account_id, user_id__in=ids
        ).select_related("user__agent")
        return Response([agent_body(m) for m in members.order_by("user_id")])

    def change(self, request: Request, display_id: int, service) -> tuple[Conversation, list]:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.UserIdsSerializer, request.data)
        user_ids = self.members_of_account(data["user_ids"])
        service(conversation=conversation, user_ids=user_ids)
        return conversation, user_ids

    @document(None, "conversation_participants_list")
    def get(self, request: Request, account_id: int, display_id: int) -> Response:
        return self.participants_body(self.get_conversation(display_id))

    @document(inputs.UserIdsSerializer, "conversation_participants_add")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation, user_ids = self.change(
            request, display_id, participant_services.participants_add
        )
        return self.participants_body(conversation, user_ids)

    @document(inputs.UserIdsSerializer, "conversation_participants_set")
    def patch(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation, _ = self.change(request, display_id, participant_services.participants_set)
        return self.participants_body(conversation)

    @document(inputs.UserIdsSerializer, "conversation_participants_remove")
    def delete(self, request: Request, account_id: int, display_id: int) -> Response:
        self.change(request, display_id, participant_services.participants_remove)
        return Response({})


class TypingView(AgentAPIView):
    @document(inputs.TypingSerializer, "conversations_toggle_typing_status")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        data = validated(inputs.TypingSerializer, request.data)
        conversation_services.conversation_toggle_typing(
            conversation=conversation,
            typist=request.user,
            on=data["typing_status"] == "on",
            is_private=data["is_private"],
        )
        return Response(status=status.HTTP_200_OK, data={})


class UpdateLastSeenView(AgentAPIView):
    @document(None, "conversations_update_last_seen")
    def post(self, request: Request, account_id: int, display_id: int) -> Response:
        conversation = self.get_conversation(display_id)
        conversation_services.conversation_mark_seen_by_agent(
            conversation=conversation, agent=request.user
        )
        return Response(
            {"agent_last_seen_at": conversation_body(conversation)["agent_last_seen_at"]}
        )


class ContactListView(AgentAPIView):
    @document(None, "contacts_list")
    def get(self, request: Request, account_id: int) -> Response:
        contacts = Contact.objects.filter(account_id=self.account_id).order_by("id")
        page, meta = page_of(contacts, request.query_params.get("page"))
        online = presence.online_contacts(self.account_id)
        return Response(
            {
                "meta": {**meta, "count": meta["all_count"]},
                "payload": [contact_body(c, online=online) for c in page],
            }
        )

    @document(inputs.AgentContactSerializer, "contacts_create")
    def post(self, request: Request, account_id: int) -> Response:
        """Chatwoot's answer: ``{"payload": {"contact", "contact_inbox"}}``; with ``inbox_id``
        the contact also gets a session in that inbox."""
        data = validated(inputs.AgentContactSerializer, request.data, account_id=self.account_id)
        inbox = None
        if data.get("inbox_id") is not None:
            inbox = self.visible_inbox(data["inbox_id"])

        def create() -> tuple[Contact, ContactInbox | None]:
            with transaction.atomic():
                contact = contact_services.contact_create(
                    account=self.membership.account,
                    **{k: v for k, v in data.items() if k != "inbox_id"},
                )
                session = (
                    contact_services.contact_session_create(contact=contact, inbox=inbox)
                    if inbox is not None
                    else None
                )
            return contact, session

        contact, session = save_contact(create)
        return Response(
            {
                "payload": {
                    "contact": contact_body(contact, with_sessions=True),
                    "contact_inbox": contact_inbox_body(session)
                    if session is not None
                    else {"inbox": None, "source_id": None},
                }
            }
        )


class ContactFilterView(AgentAPIView):
    """``POST contacts/filter {payload: [conditions]}``."""

    @document(None, "contacts_filter")
    def post(self, request: Request, account_id: int) -> Response:
        contacts = Contact.objects.filter(account_id=self.account_id)
        try:
            contacts = filtering.contacts_filtered(contacts, filter_conditions(request))
        except FilterError as error:
            return filter_refused(error)
        page, meta = page_of(contacts.order_by("id"), request.query_params.get("page"))
        online = presence.online_contacts(self.account_id)
        return Response(
            {
                "meta": {"count": meta["all_count"], "current_page": meta["current_page"]},
                "payload": [contact_body(c, online=online) for c in page],
            }
        )


class ContactSearchView(AgentAPIView):
    """``GET contacts/search?q=``: name, email, phone number or identifier containing ``q``."""

    @document(None, "contacts_search")
    def get(self, request: Request, account_id: int) -> Response:
        query = (request.query_params.get("q") or "").strip()[:200]
        if not query:
            raise serializers.ValidationError({"q": ["Send something to search for."]})
        contacts = selectors.contact_search(account_id=self.account_id, query=query)
        page, meta = page_of(contacts, request.query_params.get("page"))
        return Response(
            {
                "meta": {"count": meta["all_count"], "current_page": meta["current_page"]},
                "payload": [contact_body(c) for c in page],
            }
        )


class ContactDetailView(AgentAPIView):
    @document(None, "contacts_show")
    def get(self, request: Request, account_id: int, contact_id: int) -> Response:
        return Response({"payload": contact_body(self.get_contact(contact_id), with_sessions=True)})

    @document(inputs.AgentContactSerializer, "contacts_update")
    def patch(self, request: Request, account_id: int, contact_id: int) -> Response:
        contact = self.get_contact(contact_id)
        data = validated(
            inputs.AgentContactSerializer, request.data, account_id=self.account_id, contact=contact
        )
        data.pop("inbox_id", None)
        contact = save_contact(lambda: contact_services.contact_update(contact=contact, **data))
        return Response({"payload": contact_body(contact, with_sessions=True)})

    @document(inputs.AgentContactSerializer, "contacts_replace")
    def put(self, request: Request, account_id: int, contact_id: int) -> Response:
        return self.patch(request, account_id, contact_id)

    @document(None, "contacts_delete")
    def delete(self, request: Request, account_id: int, contact_id: int) -> Response:
        # As Chatwoot's policy: deleting a contact deletes its conversations in every inbox,
        # so only administrators may; and never while the contact is online.
        self.require_administrator()
        contact = self.get_contact(contact_id)
        if presence.contact_online(contact.pk, self.account_id):
            return Response(
                {
                    "message": "The contact is online; it cannot be deleted now.",
                    "error": "contact_online",
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        contact_services.contact_delete(contact=contact)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactConversationsView(AgentAPIView):
    @document(None, "contact_conversations")
    def get(self, request: Request, account_id: int, contact_id: int) -> Response:
        contact = self.get_contact(contact_id)
        conversations = selectors.conversations_visible_to(membership=self.membership).filter(
            contact=contact
        )
        return Response({"payload": [conversation_body(c) for c in conversations[:100]]})


class ContactInboxesView(AgentAPIView):
    """``POST contacts/{id}/contact_inboxes {inbox_id, source_id?}``: a session in an inbox."""

    @document(inputs.ContactInboxSerializer, "contact_inboxes_create")
    def post(self, request: Request, account_id: int, contact_id: int) -> Response:
        contact = self.get_contact(contact_id)
        data = validated(inputs.ContactInboxSerializer, request.data)
        inbox = self.visible_inbox(data["inbox_id"])
        session = save_unique(
            lambda: contact_services.contact_session_create(
                contact=contact, inbox=inbox, source_id=data.get("source_id")
            ),
            "source_id",
            "This inbox has a session with this source_id already.",
        )
        return Response(contact_inbox_body(session))


class ContactableInboxesView(AgentAPIView):
    @document(None, "contactable_inboxes")
    def get(self, request: Request, account_id: int, contact_id: int) -> Response:
        contact = self.get_contact(contact_id)
        sessions = {s.inbox_id: s for s in contact.contact_inboxes.select_related("inbox")}
        payload = []
        for inbox in selectors.inboxes_visible_to(membership=self.membership).order_by("id"):
            session = sessions.get(inbox.pk)
            body = contact_inbox_body(session) if session else None
            payload.append(body or {"source_id": None, "inbox": contact_inbox_body_inbox(inbox)})
        return Response({"payload": payload})


class ContactLabelsView(AgentAPIView):
    @document(None, "contact_labels_list")
    def get(self, request: Request, account_id: int, contact_id: int) -> Response:
        return Response({"payload": label_titles(self.get_contact(contact_id))})

    @document(inputs.LabelsSerializer, "contact_labels_set")
    def post(self, request: Request, account_id: int, contact_id: int) -> Response:
        contact = self.get_contact(contact_id)
        data = validated(inputs.LabelsSerializer, request.data, account_id=self.account_id)
        titles = label_services.contact_labels_set(contact=contact, labels=data["labels"])
        return Response({"payload": titles})


class LabelListView(AgentAPIView):
    @document(None, "labels_list")
    def get(self, request: Request, account_id: int) -> Response:
        labels = Label.objects.filter(account_id=self.account_id)
        return Response({"payload": [label_body(label) for label in labels]})

    @document(inputs.LabelSerializer, "labels_create")
    def post(self, request: Request, account_id: int) -> Response:
        self.require_administrator()
        data = validated(inputs.LabelSerializer, request.data, account_id=self.account_id)
        label = save_unique(
            lambda: label_services.label_create(account=self.membership.account, **data), "title"
        )
        return Response(label_body(label))


class LabelDetailView(AgentAPIView):
    def get_label(self, label_id: int) -> Label:
        return get_object_or_404(Label, account_id=self.account_id, pk=label_id)

    @document(None, "labels_show")
    def get(self, request: Request, account_id: int, label_id: int) -> Response:
        return Response(label_body(self.get_label(label_id)))

    @document(inputs.LabelSerializer, "labels_update")
    def patch(self, request: Request, account_id: int, label_id: int) -> Response:
        self.require_administrator()
        label = self.get_label(label_id)
        serializer = inputs.LabelSerializer(
            data=request.data, partial=True, context={"account_id": self.account_id, "label": label}
        )
        serializer.is_valid(raise_exception=True)
        label = save_unique(
            lambda: label_services.label_update(label=label, **serializer.validated_data), "title"
        )
        return Response(label_body(label))

    @document(inputs.LabelSerializer, "labels_replace")
    def put(self, request: Request, account_id: int, label_id: int) -> Response:
        return self.patch(request, account_id, label_id)

    @document(None, "labels_delete")
    def delete(self, request: Request, account_id: int, label_id: int) -> Response:
        self.require_administrator()
        label_services.label_delete(label=self.get_label(label_id))
        return Response(status=status.HTTP_200_OK, data={})


class CacheKeysView(AgentAPIView):
    """What a reconnecting dashboard compares with its cached labels, inboxes and teams."""

    @document(None, "account_cache_keys")
    def get(self, request: Request, account_id: int) -> Response:
        self.membership.account.refresh_from_db()
        response = Response({"cache_keys": self.membership.account.cache_keys()})
        response["Cache-Control"] = "private, max-age=10, stale-while-revalidate=300"
        return response


class ContactMergeView(AgentAPIView):
    @document(inputs.ContactMergeSerializer, "contacts_merge")
    def post(self, request: Request, account_id: int) -> Response:
        self.require_administrator()  # the mergee is deleted: as deleting, administrators only
        data = validated(inputs.ContactMergeSerializer, request.data)
        contacts = Contact.objects.filter(account_id=self.account_id)
        base = contacts.filter(pk=data["base_contact_id"]).first()
        mergee = contacts.filter(pk=data["mergee_contact_id"]).first()
        if base is None:
            raise serializers.ValidationError({"base_contact_id": ["No such contact."]})
        if mergee is None:
            raise serializers.ValidationError({"mergee_contact_id": ["No such contact."]})
        base = contact_services.contact_merge(base=base, mergee=mergee)
        base.refresh_from_db()
        return Response(contact_body(base))


def save_unique(save, field: str, message: str = "Already exists."):
    """Run a write; a uniqueness race lost to another request is a 400, not a 500."""
    try:
        return save()
    except IntegrityError:
        raise serializers.ValidationError({field: [message]}) from None


def save_contact(save):
    return save_unique(save, "email", "A contact with this email or identifier already exists.")
