"""The website widget's API: ``/api/v1/widget/…``, with Chatwoot's paths, shapes and semantics.

Every call names its inbox by ``website_token`` (a query parameter; public, it sits in the
site's pages) and, but for ``config``, ``inbox_members`` and ``campaigns``, the visitor's
session by the ``X-Auth-Token`` header that ``config`` hands out (conversations/widget.py).
A forged or expired token, or one for another inbox, is a 401; an unknown website token a 404.

A session sees the conversations of its own contact session; an identity-verified one
(``set_user`` with a valid ``identifier_hash``) those of every verified session of its contact
in this inbox, as Chatwoot. Events are the client API's (conversations/events).
"""

from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import presence, selectors, widget
from ..events.payloads import attachment_payloads, contact_payload, sender_payload
from ..models import AccountUser, ContactInbox, Conversation, Inbox, InboxMember, Message
from ..services import contacts as contact_services
from ..services import conversations as conversation_services
from ..services import messages as message_services
from . import serializers as inputs
from .application import WITH_UPLOADS, uploaded_attachments, validated
from .params import query_int
from .schema import document
from .throttling import PublicAddressThrottle, WidgetSessionThrottle


class WidgetAPIView(APIView):
    """Resolves ``website_token`` to a website inbox and, when ``needs_session``, the visitor's
    session from ``X-Auth-Token``."""

    authentication_classes: list[Any] = []
    throttle_classes = [PublicAddressThrottle, WidgetSessionThrottle]
    needs_session = True
    inbox: Inbox
    session: ContactInbox | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        token = request.query_params.get("website_token") or (
            request.data.get("website_token") if hasattr(request.data, "get") else None
        )
        inbox = (
            Inbox.objects.select_related("account")
            .filter(
                website_token=str(token or "")[:64],
                channel_type=Inbox.ChannelType.WEB_WIDGET,
                account__status="active",
            )
            .first()
            if token
            else None
        )
        if inbox is None:
            raise NotFound("No website inbox has this website_token.")
        self.inbox = inbox
        header = request.headers.get("X-Auth-Token")
        if header:
            try:
                self.session = widget.session_from_token(header, inbox=inbox)
            except widget.InvalidToken:
                raise AuthenticationFailed(
                    "The X-Auth-Token is not valid for this inbox."
                ) from None
        elif self.needs_session:
            raise AuthenticationFailed("Send the X-Auth-Token that config returned.")

    def get_authenticate_header(self, request: Request) -> str:
        return "X-Auth-Token"  # 401, not DRF's 403 for unauthenticated views

    def conversations(self) -> Any:
        """The visitor's conversations in this inbox (every verified session's, if verified)."""
        session = self.session
        sessions = [session.pk]
        if session.hmac_verified:
            sessions = ContactInbox.objects.filter(
                contact_id=session.contact_id, inbox=self.inbox, hmac_verified=True
            ).values("pk")
        return Conversation.objects.select_related("contact", "contact_inbox", "inbox").filter(
            inbox=self.inbox, contact_inbox__in=sessions
        )

    def conversation(self) -> Conversation | None:
        return self.conversations().order_by("-id").first()

    def conversation_or_404(self) -> Conversation:
        conversation = self.conversation()
        if conversation is None:
            raise NotFound("This visitor has no conversation yet.")
        return conversation

    def start_conversation(self, message: dict[str, Any]) -> Conversation:
        """A new conversation, with where and when the visitor started it."""
        additional = {
            "browser_language": (self.request.headers.get("Accept-Language") or "")[:2] or None,
            "referer": message.get("referer_url"),
            "initiated_at": {"timestamp": message.get("timestamp")},
        }
        return conversation_services.conversation_create(
            inbox=self.inbox,
            contact_inbox=self.session,
            additional_attributes={k: v for k, v in additional.items() if v},
            custom_attributes=message.get("custom_attributes") or {},
        )


def widget_message(message: Message) -> dict[str, Any]:
    """``api/v1/models/_widget_message``: what a visitor sees of a message."""
    body: dict[str, Any] = {
        "id": message.id,
        "content": message.content,
        "message_type": message.message_type,
        "content_type": message.content_type,
        "content_attributes": message.content_attributes or {},
        "created_at": int(message.created_at.timestamp()),
        "conversation_id": message.conversation.display_id,
    }
    attachments = attachment_payloads(message)
    if attachments:
        body["attachments"] = attachments
    sender = sender_payload(message)
    if sender is not None:
        body["sender"] = sender
    return body


def contact_flags(contact: Any) -> dict[str, Any]:
    return {
        "id": contact.id,
        "has_email": bool(contact.email),
        "has_name": bool(contact.name),
        "has_phone_number": bool(contact.phone_number),
    }


def last_seen(conversation: Conversation | None) -> int:
    if conversation is None or conversation.contact_last_seen_at is None:
        return 0
    return int(conversation.contact_last_seen_at.timestamp())


def conversation_summary(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.display_id,
        "inbox_id": conversation.inbox_id,
        "contact_last_seen_at": last_seen(conversation),
        "status": conversation.status,
    }


class ConfigView(WidgetAPIView):
    """``POST config``: the widget's settings and the visitor; on a first visit (no valid
    token) a new contact and session, and the token that names them from then on."""

    needs_session = False

    @document(None, "widget_config")
    def post(self, request: Request) -> Response:
        if self.session is None:
            with transaction.atomic():
                contact = contact_services.contact_create(
                    account=self.inbox.account, name=contact_services.visitor_name()
                )
                self.session = contact_services.contact_session_create(
                    contact=contact, inbox=self.inbox
                )
        inbox, session = self.inbox, self.session
        contact = session.contact
        zone = ZoneInfo(inbox.timezone) if inbox.timezone else ZoneInfo("UTC")
        offset = timezone.now().astimezone(zone).strftime("%z")
        return Response(
            {
                "website_channel_config": {
                    "allow_messages_after_resolved": inbox.allow_messages_after_resolved,
                    "api_host": None,
                    "auth_token": widget.session_token(session),
                    "avatar_url": "",
                    "csat_survey_enabled": inbox.csat_survey_enabled,
                    "disable_branding": False,
                    "enabled_features": inbox.selected_feature_flags,
                    "enabled_languages": [],
                    "locale": "en",
                    "out_of_office_message": inbox.out_of_office_message,
                    "portal": None,
                    "pre_chat_form_enabled": inbox.pre_chat_form_enabled,
                    "pre_chat_form_options": inbox.pre_chat_form_options,
                    "reply_time": inbox.reply_time,
                    "timezone": inbox.timezone,
                    "utc_off_set": f"{offset[:3]}:{offset[3:]}",
                    "website_name": inbox.name,
                    "website_token": inbox.website_token,
                    "welcome_tagline": inbox.welcome_tagline,
                    "welcome_title": inbox.welcome_title,
                    "widget_color": inbox.widget_color,
                    "working_hours": [],
                    "working_hours_enabled": inbox.working_hours_enabled,
                },
                # The visitor's own socket token: this answer goes to the visitor alone.
                "contact": {
                    "email": contact.email,
                    "id": contact.id,
                    "identifier": contact.identifier,
                    "name": contact.name,
                    "phone_number": contact.phone_number,
                    "pubsub_token": session.pubsub_token,
                },
                "global_config": {},
            }
        )


class ContactView(WidgetAPIView):
    @document(None, "widget_contact_show")
    def get(self, request: Request) -> Response:
        contact = self.session.contact
        return Response({**contact_flags(contact), "identifier": contact.identifier})

    @document(inputs.WidgetContactSerializer, "widget_contact_update")
    def patch(self, request: Request) -> Response:
        data = validated(inputs.WidgetContactSerializer, request.data)
        data.pop("identifier_hash", None)
        data.pop("identifier", None)  # naming oneself goes through set_user
        contact = contact_services.contact_identify(contact=self.session.contact, **data)
        return Response(contact_flags(contact))


class SetUserView(WidgetAPIView):
    """``PATCH contact/set_user``: the site says who its signed-in visitor is. With the
    inbox's ``hmac_mandatory``, or whenever ``identifier_hash`` is sent, the hash must be the
    identifier's HMAC with the inbox's ``hmac_token`` (else 401, nothing changed); a valid
    one verifies the session."""

    @document(inputs.WidgetContactSerializer, "widget_set_user")
    def patch(self, request: Request) -> Response:
        data = validated(inputs.WidgetContactSerializer, request.data)
        identifier = data.get("identifier") or ""
        claimed = data.pop("identifier_hash", None)
        check = bool(claimed) or self.inbox.hmac_mandatory
        if check and not (identifier and widget.identity_proven(self.inbox, identifier, claimed)):
            raise AuthenticationFailed("HMAC failed: Invalid Identifier Hash Provided")
        session, contact = self.session, self.session.contact
        answer: dict[str, Any] = {}
        with transaction.atomic():
            if contact.identifier and identifier and contact.identifier != identifier:
                # Someone else signed in on this browser: a session of its own, as Chatwoot.
                fresh = contact_services.contact_create(
                    account=self.inbox.account, name=contact_services.visitor_name()
                )
                session = contact_services.contact_session_create(contact=fresh, inbox=self.inbox)
                contact = fresh
                answer["widget_auth_token"] = widget.session_token(session)
            if check:
                ContactInbox.objects.filter(pk=session.pk).update(hmac_verified=True)
            contact = contact_services.contact_identify(contact=contact, **data)
        return Response({**contact_flags(contact), **answer})


class ContactAttributesDeleteView(WidgetAPIView):
    @document(inputs.AttributeKeysSerializer, "widget_contact_destroy_custom_attributes")
    def post(self, request: Request) -> Response:
        keys = validated(inputs.AttributeKeysSerializer, request.data)["custom_attributes"]
        contact = self.session.contact
        remaining = {k: v for k, v in contact.custom_attributes.items() if k not in keys}
        contact = contact_services.contact_update(contact=contact, custom_attributes=remaining)
        return Response(contact_payload(contact))


class ConversationsView(WidgetAPIView):
    @document(None, "widget_conversations_list")
    def get(self, request: Request) -> Response:
        conversation = self.conversation()
        return Response(conversation_summary(conversation) if conversation else {})

    @document(inputs.WidgetConversationSerializer, "widget_conversations_create")
    def post(self, request: Request) -> Response:
        data = validated(inputs.WidgetConversationSerializer, request.data)
        with transaction.atomic():
            if data.get("contact"):
                contact_services.contact_identify(contact=self.session.contact, **data["contact"])
                self.session.refresh_from_db()
            message = data["message"]
            conversation = self.start_conversation(
                {**message, "custom_attributes": data.get("custom_attributes")}
            )
            if message.get("content"):
                message_services.message_create(
                    conversation=conversation,
                    content=message["content"],
                    message_type=Message.MessageType.INCOMING,
                    sender=self.session.contact,
                    echo_id=message.get("echo_id"),
                )
        conversation.refresh_from_db()
        visible = selectors.conversation_messages(conversation=conversation, for_contact=True)
        return Response(
            {
                **conversation_summary(conversation),
                "messages": [widget_message(m) for m in visible],
                "custom_attributes": conversation.custom_attributes,
                "contact": contact_payload(conversation.contact),
            }
        )


class TypingView(WidgetAPIView):
    @document(inputs.PublicTypingSerializer, "widget_toggle_typing")
    def post(self, request: Request) -> Response:
        conversation = self.conversation_or_404()
        data = validated(inputs.PublicTypingSerializer, request.data)
        conversation_services.conversation_toggle_typing(
            conversation=conversation,
            typist=self.session.contact,
            on=data["typing_status"] == "on",
        )
        return Response({})


class LastSeenView(WidgetAPIView):
    @document(None, "widget_update_last_seen")
    def post(self, request: Request) -> Response:
        conversation = self.conversation()
        if conversation is not None:
            conversation_services.conversation_mark_seen_by_contact(conversation=conversation)
        return Response({})


class ToggleStatusView(WidgetAPIView):
    """``GET conversations/toggle_status`` (a GET, as Chatwoot's): the visitor ends the
    conversation, if the inbox offers that (``end_conversation``)."""

    @document(None, "widget_toggle_status")
    def get(self, request: Request) -> Response:
        if "end_conversation" not in (self.inbox.selected_feature_flags or []):
            raise PermissionDenied("This inbox does not let visitors end conversations.")
        conversation = self.conversation_or_404()
        if conversation.status != Conversation.Status.RESOLVED:
            conversation_services.conversation_toggle_status(
                conversation=conversation,
                status=Conversation.Status.RESOLVED,
                actor=self.session.contact,
            )
        return Response({})


class ConversationAttributesView(WidgetAPIView):
    @document(inputs.CustomAttributesSerializer, "widget_set_custom_attributes")
    def post(self, request: Request) -> Response:
        conversation = self.conversation_or_404()
        data = validated(inputs.CustomAttributesSerializer, request.data)
        conversation_services.conversation_update_attributes(
            conversation=conversation, custom_attributes=data["custom_attributes"]
        )
        return Response(conversation_summary(conversation))


class ConversationAttributesDeleteView(WidgetAPIView):
    @document(inputs.AttributeKeySerializer, "widget_destroy_custom_attributes")
    def post(self, request: Request) -> Response:
        conversation = self.conversation_or_404()
        key = validated(inputs.AttributeKeySerializer, request.data)["custom_attribute"]
        remaining = {k: v for k, v in conversation.custom_attributes.items() if k not in key}
        conversation_services.conversation_update_attributes(
            conversation=conversation, custom_attributes=remaining
        )
        return Response(conversation_summary(conversation))


class MessagesView(WidgetAPIView):
    parser_classes = WITH_UPLOADS

    @document(None, "widget_messages_list")
    def get(self, request: Request) -> Response:
        """The latest 20; ``before=<id>``: 20 older; ``after=<id>``: up to 100 newer (what the
        widget fetches after a reconnect)."""
        conversation = self.conversation()
        messages: list[Message] = []
        if conversation is not None:
            params = request.query_params
            messages = selectors.conversation_messages_page(
                conversation=conversation,
                for_contact=True,
                before=query_int(params.get("before"), "before"),
                after=query_int(params.get("after"), "after", minimum=0),
            )
        meta = {"contact_last_seen_at": last_seen(conversation)} if conversation else {}
        return Response({"payload": [widget_message(m) for m in messages], "meta": meta})

    @document(inputs.WidgetMessageSerializer, "widget_messages_create")
    def post(self, request: Request) -> Response:
        """``{message: {content, echo_id, reply_to, referer_url, timestamp}}``; multipart with
        ``message[attachments][]`` for files. Starts a conversation when there is none."""
        files = uploaded_attachments(request, from_contact=True, field="message[attachments][]")
        data = validated(inputs.WidgetMessageSerializer, request.data, attachments=files)
        message = data["message"]
        with transaction.atomic():
            conversation = self.conversation() or self.start_conversation(message)
            attributes = {"in_reply_to": message["reply_to"]} if message.get("reply_to") else {}
            created = message_services.message_create(
                conversation=conversation,
                content=message.get("content"),
                message_type=Message.MessageType.INCOMING,
                sender=self.session.contact,
                content_attributes=attributes,
                echo_id=message.get("echo_id"),
                attachments=files,
            )
        body = widget_message(created)
        body.update(inbox_id=created.inbox_id, private=False, source_id=created.source_id)
        return Response(body)


class MessageDetailView(WidgetAPIView):
    """``PATCH messages/{id}``: the visitor answers a form or a survey
    (``message.submitted_values``), or an email request (``contact.email``)."""

    @document(inputs.WidgetMessageAnswerSerializer, "widget_messages_update")
    def patch(self, request: Request, message_id: int) -> Response:
        visible = Message.objects.filter(
            conversation__in=self.conversations(), private=False
        ).exclude(message_type=Message.MessageType.ACTIVITY)
        message = get_object_or_404(visible, pk=message_id)
        data = validated(inputs.WidgetMessageAnswerSerializer, request.data)
        try:
            if message.content_type == Message.ContentType.INPUT_EMAIL:
                email = (data.get("contact") or {}).get("email")
                if not email:
                    raise serializers.ValidationError({"contact": ["Send contact.email."]})
                contact = contact_services.contact_identify(
                    contact=self.session.contact, email=email
                )
                message_services.message_update(
                    message=message, content_attributes={"submitted_email": email}
                )
                return Response({"contact": contact_payload(contact)})
            answer = (data.get("message") or {}).get("submitted_values")
            if answer is None:
                raise serializers.ValidationError({"message": ["Send message.submitted_values."]})
            message_services.message_answer(message=message, **answer)
        except message_services.NotAnswerable as error:
            return Response(
                {"error": str(error), "message": str(error), "attributes": ["message"]},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response({})


class InboxMembersView(WidgetAPIView):
    """The inbox's agents as the widget shows them (name, avatar, availability)."""

    needs_session = False

    @document(None, "widget_inbox_members")
    def get(self, request: Request) -> Response:
        user_ids = InboxMember.objects.filter(inbox=self.inbox).values("user_id")
        members = AccountUser.objects.filter(
            account_id=self.inbox.account_id, user_id__in=user_ids
        ).select_related("user__agent")
        payload = []
        for member in members.order_by("user_id"):
            agent = member.user.agent
            payload.append(
                {
                    "id": member.user_id,
                    "name": agent.available_name,
                    "avatar_url": agent.avatar_url or "",
                    "availability_status": presence.agent_status(
                        member.user_id, self.inbox.account_id
                    ),
                }
            )
        return Response({"payload": payload})


class CampaignsView(WidgetAPIView):
    """CarbonChat has no campaigns: always an empty list, as Chatwoot without the feature."""

    needs_session = False

    @document(None, "widget_campaigns")
    def get(self, request: Request) -> Response:
        return Response([])
