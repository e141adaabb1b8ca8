"""Input validation for every endpoint: a bad field is a 400 that names it."""

import json
import re
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..access import MAX_ID
from ..models import AccountUser, Contact, Conversation, Label, Message
from ..models.label import TITLE_PATTERN

TYPING_STATUSES = ("on", "off")
MESSAGE_TYPES = {"incoming": Message.MessageType.INCOMING, "outgoing": Message.MessageType.OUTGOING}


class IdField(serializers.IntegerField):
    """An id: from 1 to the largest 64-bit id (a larger one overflows the database's query,
    a 500 on SQLite and PostgreSQL alike)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


# The largest attributes object (custom, additional, content attributes), as compact UTF-8
# JSON. Every event that embeds the object must stay under REALTIME["MAX_BROADCAST_BYTES"], or
# the contact could make its own events undeliverable.
MAX_ATTRIBUTES_BYTES = 64 * 1024
# How deeply attributes may nest.
MAX_ATTRIBUTES_DEPTH = 16


class FreeformObject(serializers.JSONField):
    """A JSON object (attributes); anything else is a validation error.

    Refused: a NUL or a lone surrogate in any key or string (valid JSON, but PostgreSQL's
    jsonb refuses both and a lone surrogate has no UTF-8 form), nesting deeper than
    MAX_ATTRIBUTES_DEPTH, and more than MAX_ATTRIBUTES_BYTES.
    """

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Must be a JSON object.")
        check_text(value, depth=0)
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
        if size > MAX_ATTRIBUTES_BYTES:
            raise serializers.ValidationError(
                f"Must be at most {MAX_ATTRIBUTES_BYTES} bytes of JSON ({size} sent)."
            )
        return value


def check_text(value: Any, *, depth: int) -> None:
    if depth > MAX_ATTRIBUTES_DEPTH:
        raise serializers.ValidationError(f"Must nest at most {MAX_ATTRIBUTES_DEPTH} levels.")
    if isinstance(value, str):
        if "\x00" in value or (not value.isascii() and _SURROGATE.search(value)):
            raise serializers.ValidationError("Must not contain NUL or lone surrogates.")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, depth=depth + 1)
            check_text(item, depth=depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_text(item, depth=depth + 1)


_SURROGATE = re.compile("[\ud800-\udfff]")


class MessageContent(serializers.Serializer):
    """A message's text: required, unless the message carries attachments (multipart bodies
    with ``attachments[]``; the view says so in the ``attachments`` context)."""

    content = serializers.CharField(
        max_length=150_000, required=False, allow_blank=True, allow_null=True, default=None
    )
    echo_id = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)

    def validate_content(self, value: str | None) -> str | None:
        if not (value or "").strip() and not self.context.get("attachments"):
            raise serializers.ValidationError("Send content, attachments or both.")
        return value or None


class MessageCreateSerializer(MessageContent):
    private = serializers.BooleanField(default=False)
    message_type = serializers.ChoiceField(choices=list(MESSAGE_TYPES), default="outgoing")
    content_type = serializers.ChoiceField(
        choices=Message.ContentType.values, default=Message.ContentType.TEXT
    )
    # binary: a multipart body sends the object as a JSON string.
    content_attributes = FreeformObject(required=False, default=dict, binary=True)


class MessageUpdateSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=150_000, required=False)
    content_attributes = FreeformObject(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("Send content or content_attributes.")
        return attrs


class FirstMessageSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=150_000)


class ConversationCreateSerializer(serializers.Serializer):
    inbox_id = IdField()
    contact_id = IdField(required=False)
    source_id = serializers.CharField(max_length=255, required=False)
    status = serializers.ChoiceField(choices=Conversation.Status.values, required=False)
    assignee_id = IdField(required=False, allow_null=True)
    team_id = IdField(required=False, allow_null=True)
    additional_attributes = FreeformObject(required=False, default=dict)
    custom_attributes = FreeformObject(required=False, default=dict)
    message = FirstMessageSerializer(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "contact_id" not in attrs and "source_id" not in attrs:
            raise serializers.ValidationError(
                {"contact_id": ["Send contact_id, or the source_id of a contact session."]}
            )
        return attrs


@extend_schema_field(OpenApiTypes.STR)
class FutureTimeField(serializers.Field):
    """A time to come: Unix seconds (as Chatwoot's dashboard sends it) or ISO 8601."""

    default_error_messages = {
        "invalid": "Must be Unix seconds or an ISO 8601 time.",
        "past": "Must be in the future.",
    }

    def to_internal_value(self, data: Any) -> datetime:
        value = self.parse(data)
        if value is None:
            self.fail("invalid")
        if value <= timezone.now():
            self.fail("past")
        return value

    @staticmethod
    def parse(data: Any) -> datetime | None:
        if isinstance(data, bool):
            return None
        try:
            if isinstance(data, str) and data.strip().isascii() and data.strip().isdigit():
                data = int(data.strip())
            if isinstance(data, int | float):
                return datetime.fromtimestamp(data, tz=UTC)
            value = parse_datetime(data.strip()) if isinstance(data, str) else None
        except (OverflowError, OSError, ValueError):
            return None
        if value is not None and timezone.is_naive(value):
            value = value.replace(tzinfo=UTC)
        return value

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


class ToggleStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Conversation.Status.values, required=False)
    snoozed_until = FutureTimeField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("snoozed_until") and attrs.get("status") != Conversation.Status.SNOOZED:
            raise serializers.ValidationError({"snoozed_until": ["Only with status snoozed."]})
        return attrs


class SnoozeSerializer(serializers.Serializer):
    snoozed_until = FutureTimeField()


class PrioritySerializer(serializers.Serializer):
    priority = serializers.ChoiceField(
        choices=Conversation.Priority.values, allow_null=True, allow_blank=True
    )


class ConversationUpdateSerializer(serializers.Serializer):
    priority = serializers.ChoiceField(
        choices=Conversation.Priority.values, allow_null=True, allow_blank=True, required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError({"priority": ["Send priority (null clears)."]})
        return attrs


class CustomAttributesSerializer(serializers.Serializer):
    custom_attributes = FreeformObject()


class LabelListField(serializers.ListField):
    """Titles of the account's labels (context: account_id); unknown titles are refused."""

    child = serializers.CharField(max_length=255)

    def to_internal_value(self, data: Any) -> list[Label]:
        titles = list(dict.fromkeys(title.lower() for title in super().to_internal_value(data)))
        labels = {
            label.title: label
            for label in Label.objects.filter(
                account_id=self.context["account_id"], title__in=titles
            )
        }
        unknown = [title for title in titles if title not in labels]
        if unknown:
            raise serializers.ValidationError(f"Unknown labels: {', '.join(unknown)}.")
        return [labels[title] for title in titles]


class LabelsSerializer(serializers.Serializer):
    labels = LabelListField(allow_empty=True)


class LabelSerializer(serializers.Serializer):
    title = serializers.RegexField(TITLE_PATTERN, max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{3,8}$", required=False)
    show_on_sidebar = serializers.BooleanField(required=False)

    # context: account_id, label (the one being changed).

    def validate_title(self, value: str) -> str:
        value = value.lower()
        others = Label.objects.filter(account_id=self.context["account_id"], title=value)
        if self.context.get("label") is not None:
            others = others.exclude(pk=self.context["label"].pk)
        if others.exists():
            raise serializers.ValidationError("A label with this title already exists.")
        return value


class AssignmentSerializer(serializers.Serializer):
    assignee_id = IdField(required=False, allow_null=True)
    team_id = IdField(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "assignee_id" not in attrs and "team_id" not in attrs:
            raise serializers.ValidationError(
                {"assignee_id": ["Send assignee_id or team_id (null clears)."]}
            )
        return attrs


class TypingSerializer(serializers.Serializer):
    typing_status = serializers.ChoiceField(choices=TYPING_STATUSES)
    is_private = serializers.BooleanField(default=False)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    email = serializers.EmailField(
        max_length=255, required=False, allow_null=True, allow_blank=True
    )
    phone_number = serializers.RegexField(
        r"^\+?[0-9 ()-]{3,31}$", required=False, allow_null=True, allow_blank=True
    )
    identifier = serializers.CharField(
        max_length=255, required=False, allow_null=True, allow_blank=True
    )
    avatar_url = serializers.URLField(max_length=1024, required=False, allow_blank=True)
    additional_attributes = FreeformObject(required=False)
    custom_attributes = FreeformObject(required=False)

    # context: account_id (whose contacts must stay unique), contact (the one being changed).

    def _taken(self, **lookup: Any) -> bool:
        others = Contact.objects.filter(account_id=self.context["account_id"], **lookup)
        contact = self.context.get("contact")
        if contact is not None:
            others = others.exclude(pk=contact.pk)
        return others.exists()

    def validate_email(self, value: str | None) -> str | None:
        if value and self._taken(email__iexact=value):
            raise serializers.ValidationError("A contact with this email already exists.")
        return value or None

    def validate_identifier(self, value: str | None) -> str | None:
        if value and self._taken(identifier=value):
            raise serializers.ValidationError("A contact with this identifier already exists.")
        return value or None


class AgentContactSerializer(ContactSerializer):
    """What agents may change of a contact; contacts themselves cannot unblock themselves."""

    blocked = serializers.BooleanField(required=False)
    # On create: also a session of the contact in this inbox.
    inbox_id = IdField(required=False, allow_null=True)


class ContactInboxSerializer(serializers.Serializer):
    inbox_id = IdField()
    source_id = serializers.CharField(max_length=255, required=False, allow_blank=False)


class ContactMergeSerializer(serializers.Serializer):
    base_contact_id = IdField()
    mergee_contact_id = IdField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["base_contact_id"] == attrs["mergee_contact_id"]:
            raise serializers.ValidationError(
                {"mergee_contact_id": ["Must differ from base_contact_id."]}
            )
        return attrs


class AgentCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=AccountUser.Role.values, default=AccountUser.Role.AGENT)
    auto_offline = serializers.BooleanField(default=True)


class AgentUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False)
    role = serializers.ChoiceField(choices=AccountUser.Role.values, required=False)
    availability = serializers.ChoiceField(choices=AccountUser.Availability.values, required=False)
    auto_offline = serializers.BooleanField(required=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Chatwoot's clients send availability as availability_status too.
        if isinstance(data, dict) and "availability_status" in data and "availability" not in data:
            data = {**data, "availability": data["availability_status"]}
        return super().to_internal_value(data)


class UserIdsSerializer(serializers.Serializer):
    user_ids = serializers.ListField(child=IdField(), max_length=1000)


class InboxMembersSerializer(UserIdsSerializer):
    inbox_id = IdField()


class TeamSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    allow_auto_assign = serializers.BooleanField(required=False)


class AvailabilitySerializer(serializers.Serializer):
    account_id = IdField()
    availability = serializers.ChoiceField(choices=AccountUser.Availability.values)


class PublicMessageSerializer(MessageContent):
    """A contact's message: its text and, in a multipart body, ``attachments[]``."""


class PublicConversationSerializer(serializers.Serializer):
    custom_attributes = FreeformObject(required=False, default=dict)


class PublicTypingSerializer(serializers.Serializer):
    typing_status = serializers.ChoiceField(choices=TYPING_STATUSES)


CHANNEL_TYPES = {"api": "Channel::Api", "web_widget": "Channel::WebWidget"}
HEX_COLOR = r"^#[0-9a-fA-F]{3,8}$"


class ChannelSerializer(serializers.Serializer):
    """``channel {type, …}``: the API and website-widget settings Chatwoot lets one edit."""

    type = serializers.ChoiceField(choices=list(CHANNEL_TYPES), required=False)
    webhook_url = serializers.URLField(max_length=2048, allow_blank=True, required=False)
    hmac_mandatory = serializers.BooleanField(required=False)
    additional_attributes = FreeformObject(required=False)
    website_url = serializers.URLField(max_length=2048, allow_blank=True, required=False)
    widget_color = serializers.RegexField(HEX_COLOR, required=False)
    welcome_title = serializers.CharField(max_length=255, allow_blank=True, required=False)
    welcome_tagline = serializers.CharField(max_length=255, allow_blank=True, required=False)
    reply_time = serializers.ChoiceField(
        choices=["in_a_few_minutes", "in_a_few_hours", "in_a_day"], required=False
    )
    pre_chat_form_enabled = serializers.BooleanField(required=False)
    pre_chat_form_options = FreeformObject(required=False)
    continuity_via_email = serializers.BooleanField(required=False)
    allowed_domains = serializers.CharField(max_length=4096, allow_blank=True, required=False)
    selected_feature_flags = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["attachments", "emoji_picker", "end_conversation", "use_inbox_avatar_for_bot"]
        ),
        max_length=4,
        required=False,
    )


class InboxSerializer(serializers.Serializer):
    """Create (``name`` and ``channel.type`` required) and update (anything, partially)."""

    name = serializers.CharField(max_length=255)
    greeting_enabled = serializers.BooleanField(required=False)
    greeting_message = serializers.CharField(
        max_length=10_000, allow_blank=True, allow_null=True, required=False
    )
    enable_email_collect = serializers.BooleanField(required=False)
    csat_survey_enabled = serializers.BooleanField(required=False)
    enable_auto_assignment = serializers.BooleanField(required=False)
    working_hours_enabled = serializers.BooleanField(required=False)
    out_of_office_message = serializers.CharField(
        max_length=10_000, allow_blank=True, allow_null=True, required=False
    )
    timezone = serializers.ChoiceField(
        choices=sorted(zoneinfo.available_timezones()), required=False
    )
    allow_messages_after_resolved = serializers.BooleanField(required=False)
    lock_to_single_conversation = serializers.BooleanField(required=False)
    business_name = serializers.CharField(
        max_length=255, allow_blank=True, allow_null=True, required=False
    )
    channel = ChannelSerializer(required=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not self.partial and not data.get("channel", {}).get("type"):
            raise serializers.ValidationError(
                {"channel": [f"channel.type is one of {', '.join(CHANNEL_TYPES)}."]}
            )
        return data


class SubmittedValueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    title = serializers.CharField(max_length=1024, required=False, allow_blank=True)
    value = serializers.CharField(max_length=10_000, allow_blank=True)


class CsatResponseSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    feedback_message = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class MessageAnswerSerializer(serializers.Serializer):
    """A contact's answer: ``submitted_values`` (form and input messages), or a survey's
    ``csat_survey_response``, as ``submitted_values.csat_survey_response`` (Chatwoot's nesting)
    or at the top level."""

    submitted_values = serializers.JSONField()

    def validate_submitted_values(self, value: Any) -> dict[str, Any]:
        if isinstance(value, dict) and "csat_survey_response" in value:
            survey = CsatResponseSerializer(data=value["csat_survey_response"])
            survey.is_valid(raise_exception=True)
            return {"csat_survey_response": dict(survey.validated_data)}
        values = SubmittedValueSerializer(data=value, many=True)
        if not isinstance(value, list) or not 1 <= len(value) <= 50:
            raise serializers.ValidationError("A list of 1 to 50 {name, title, value} answers.")
        values.is_valid(raise_exception=True)
        return {"submitted_values": [dict(v) for v in values.validated_data]}


class WidgetContactSerializer(ContactSerializer):
    """What a visitor says about itself (contact update, ``set_user``). Uniqueness is not
    checked here: an email or identifier another contact has joins the visitor to it."""

    identifier_hash = serializers.CharField(max_length=128, required=False, allow_blank=True)

    def validate_email(self, value: str | None) -> str | None:
        return value or None

    def validate_identifier(self, value: str | None) -> str | None:
        return value or None


class AttributeKeysSerializer(serializers.Serializer):
    custom_attributes = serializers.ListField(
        child=serializers.CharField(max_length=255), max_length=100
    )


class AttributeKeySerializer(serializers.Serializer):
    custom_attribute = serializers.ListField(
        child=serializers.CharField(max_length=255), max_length=100
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Chatwoot's widget sends one key or a list of them.
        if hasattr(data, "get") and isinstance(data.get("custom_attribute"), str):
            data = {"custom_attribute": [data["custom_attribute"]]}
        return super().to_internal_value(data)


class WidgetMessageFields(serializers.Serializer):
    content = serializers.CharField(
        max_length=150_000, required=False, allow_blank=True, allow_null=True, default=None
    )
    echo_id = serializers.CharField(max_length=64, required=False, allow_null=True, default=None)
    referer_url = serializers.URLField(max_length=2048, required=False, allow_blank=True)
    timestamp = serializers.CharField(max_length=64, required=False, allow_blank=True)
    reply_to = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class WidgetVisitorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=255, required=False, allow_blank=True)
    phone_number = serializers.RegexField(r"^\+?[0-9 ()-]{3,31}$", required=False, allow_blank=True)


class WidgetConversationSerializer(serializers.Serializer):
    """``{contact: {name, email, phone_number}, message: {content, …}, custom_attributes}``;
    the first message may be left out (a pre-chat form alone starts a conversation)."""

    contact = WidgetVisitorSerializer(required=False)
    message = WidgetMessageFields(required=False, default=dict)
    custom_attributes = FreeformObject(required=False, default=dict)


class WidgetMessageSerializer(serializers.Serializer):
    """``{message: {…}}``; a multipart body sends the same fields as ``message[content]``…,
    and its files as ``message[attachments][]``. Text, files or both."""

    message = WidgetMessageFields()

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if hasattr(data, "getlist") and "message" not in data:
            data = {
                "message": {
                    key[len("message[") : -1]: data.get(key)
                    for key in data
                    if key.startswith("message[") and key.endswith("]") and "[" not in key[8:-1]
                }
            }
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs["message"].get("content") or "").strip() and not self.context.get(
            "attachments"
        ):
            raise serializers.ValidationError({"message": ["Send content, attachments or both."]})
        return attrs


class WidgetMessageAnswerSerializer(serializers.Serializer):
    """``{message: {submitted_values}}`` or, for an email request, ``{contact: {email}}``."""

    message = serializers.DictField(required=False)
    contact = WidgetVisitorSerializer(required=False)

    def validate_message(self, value: dict[str, Any]) -> dict[str, Any]:
        answer = MessageAnswerSerializer(data={"submitted_values": value.get("submitted_values")})
        answer.is_valid(raise_exception=True)
        return answer.validated_data
