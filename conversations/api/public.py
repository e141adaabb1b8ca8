"""The client API (contacts): ``/public/api/v1/inboxes/{inbox_identifier}/…``, API inboxes only.

A contact session is addressed by its ``source_id``; anything else's is a 404.
"""

from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..models import ContactInbox, Conversation, Message
from ..services import contacts as contact_services
from ..services import conversations as conversation_services
from ..services import messages as message_services
from . import serializers as inputs
from .application import WITH_UPLOADS, save_contact, uploaded_attachments, validated
from .representations import message_body, public_contact_body, public_conversation_body
from .schema import document
from .throttling import PublicAddressThrottle, PublicSessionThrottle


class PublicAPIView(APIView):
    authentication_classes: list[Any] = []
    throttle_classes = [PublicAddressThrottle, PublicSessionThrottle]

    def get_session(self, inbox_identifier: str, source_id: str) -> ContactInbox:
        session = selectors.public_session(inbox_identifier=inbox_identifier, source_id=source_id)
        if session is None:
            raise NotFound()
        return session

    def get_conversation(self, session: ContactInbox, display_id: int) -> Conversation:
        return get_object_or_404(
            Conversation.objects.select_related("contact", "inbox", "contact_inbox"),
            contact_inbox=session,
            display_id=display_id,
            account_id=session.inbox.account_id,
        )


class PublicInboxView(PublicAPIView):
    """``GET /public/api/v1/inboxes/{identifier}``: what a client shows before the contact
    writes (Chatwoot's public inbox view)."""

    @document(None, "public_inbox_show")
    def get(self, request: Request, inbox_identifier: str) -> Response:
        inbox = selectors.public_inbox(inbox_identifier=inbox_identifier)
        if inbox is None:
            raise NotFound()
        return Response(
            {
                "identifier": inbox.identifier,
                "identity_validation_enabled": inbox.hmac_mandatory,
                "name": inbox.name,
                "timezone": inbox.timezone,
                "working_hours": [],
                "working_hours_enabled": inbox.working_hours_enabled,
                "csat_survey_enabled": inbox.csat_survey_enabled,
                "greeting_enabled": inbox.greeting_enabled,
            }
        )


class PublicContactCreateView(PublicAPIView):
    @document(inputs.ContactSerializer, "public_contacts_create")
    def post(self, request: Request, inbox_identifier: str) -> Response:
        inbox = selectors.public_inbox(inbox_identifier=inbox_identifier)
        if inbox is None:
            raise NotFound()
        data = validated(inputs.ContactSerializer, request.data, account_id=inbox.account_id)

        def create() -> ContactInbox:
            with transaction.atomic():
                contact = contact_services.contact_create(account=inbox.account, **data)
                return contact_services.contact_session_create(contact=contact, inbox=inbox)

        session = save_contact(create)
        return Response(public_contact_body(session), status=status.HTTP_201_CREATED)


class PublicContactDetailView(PublicAPIView):
    @document(None, "public_contacts_show")
    def get(self, request: Request, inbox_identifier: str, source_id: str) -> Response:
        return Response(public_contact_body(self.get_session(inbox_identifier, source_id)))

    @document(inputs.ContactSerializer, "public_contacts_update")
    def patch(self, request: Request, inbox_identifier: str, source_id: str) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        data = validated(
            inputs.ContactSerializer,
            request.data,
            account_id=session.inbox.account_id,
            contact=session.contact,
        )
        save_contact(lambda: contact_services.contact_update(contact=session.contact, **data))
        return Response(public_contact_body(session))


class PublicConversationListView(PublicAPIView):
    @document(None, "public_conversations_list")
    def get(self, request: Request, inbox_identifier: str, source_id: str) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        conversations = session.conversations.select_related("contact").order_by("-id")
        return Response([public_conversation_body(c) for c in conversations])

    @document(inputs.PublicConversationSerializer, "public_conversations_create")
    def post(self, request: Request, inbox_identifier: str, source_id: str) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        data = validated(inputs.PublicConversationSerializer, request.data)
        conversation = conversation_services.conversation_create(
            inbox=session.inbox,
            contact_inbox=session,
            custom_attributes=data["custom_attributes"],
        )
        return Response(public_conversation_body(conversation), status=status.HTTP_201_CREATED)


class PublicConversationDetailView(PublicAPIView):
    @document(None, "public_conversations_show")
    def get(
        self, request: Request, inbox_identifier: str, source_id: str, display_id: int
    ) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        return Response(public_conversation_body(self.get_conversation(session, display_id)))


class PublicMessageListView(PublicAPIView):
    @document(None, "public_messages_list")
    def get(
        self, request: Request, inbox_identifier: str, source_id: str, display_id: int
    ) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        conversation = self.get_conversation(session, display_id)
        messages = selectors.conversation_messages(conversation=conversation, for_contact=True)
        return Response([message_body(m, conversation) for m in messages])

    parser_classes = WITH_UPLOADS

    @document(inputs.PublicMessageSerializer, "public_messages_create")
    def post(
        self, request: Request, inbox_identifier: str, source_id: str, display_id: int
    ) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        conversation = self.get_conversation(session, display_id)
        uploads = uploaded_attachments(request, from_contact=True)
        data = validated(inputs.PublicMessageSerializer, request.data, attachments=uploads)
        message = message_services.message_create(
            conversation=conversation,
            content=data["content"],
            message_type=Message.MessageType.INCOMING,
            sender=session.contact,
            echo_id=data["echo_id"],
            attachments=uploads,
        )
        return Response(
            message_body(message, conversation, data["echo_id"]), status=status.HTTP_201_CREATED
        )


class PublicMessageDetailView(PublicAPIView):
    """``PATCH …/messages/{id} {submitted_values}``: the contact answers a form, an input or
    a satisfaction survey an agent or bot sent."""

    @document(inputs.MessageAnswerSerializer, "public_messages_update")
    def patch(
        self,
        request: Request,
        inbox_identifier: str,
        source_id: str,
        display_id: int,
        message_id: int,
    ) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        conversation = self.get_conversation(session, display_id)
        visible = selectors.conversation_messages(conversation=conversation, for_contact=True)
        message = get_object_or_404(visible, pk=message_id)
        data = validated(inputs.MessageAnswerSerializer, request.data)["submitted_values"]
        try:
            message = message_services.message_answer(message=message, **data)
        except message_services.NotAnswerable as error:
            return Response(
                {"error": str(error), "message": str(error), "attributes": ["submitted_values"]},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(message_body(message, conversation))


class PublicTypingView(PublicAPIView):
    @document(inputs.PublicTypingSerializer, "public_conversations_toggle_typing")
    def post(
        self, request: Request, inbox_identifier: str, source_id: str, display_id: int
    ) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        conversation = self.get_conversation(session, display_id)
        data = validated(inputs.PublicTypingSerializer, request.data)
        conversation_services.conversation_toggle_typing(
            conversation=conversation, typist=session.contact, on=data["typing_status"] == "on"
        )
        return Response({})


class PublicUpdateLastSeenView(PublicAPIView):
    @document(None, "public_conversations_update_last_seen")
    def post(
        self, request: Request, inbox_identifier: str, source_id: str, display_id: int
    ) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        conversation = self.get_conversation(session, display_id)
        conversation_services.conversation_mark_seen_by_contact(conversation=conversation)
        return Response({})


class PublicToggleStatusView(PublicAPIView):
    @document(None, "public_conversations_toggle_status")
    def post(
        self, request: Request, inbox_identifier: str, source_id: str, display_id: int
    ) -> Response:
        session = self.get_session(inbox_identifier, source_id)
        conversation = self.get_conversation(session, display_id)
        conversation_services.conversation_toggle_status(
            conversation=conversation, status=Conversation.Status.RESOLVED, actor=session.contact
        )
        return Response(public_conversation_body(conversation))
