"""The Django admin for every domain model, arranged for a support lead."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.html import format_html

from .models import (
    Account,
    AccountUser,
    Agent,
    Attachment,
    Contact,
    ContactInbox,
    Conversation,
    ConversationParticipant,
    Inbox,
    InboxMember,
    Label,
    Mention,
    Message,
    Notification,
    Team,
    TeamMember,
    User,
)
from .widget import widget_snippet

# Avatar URLs typed without a scheme are https (Django 6's default, chosen now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class AccountUserInline(admin.TabularInline):
    model = AccountUser
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "locale", "status", "created_at"]
    list_filter = ["status", "locale"]
    search_fields = ["name"]
    inlines = [AccountUserInline]


class AgentInline(admin.StackedInline):
    model = Agent
    can_delete = False
    fields = ["name", "display_name", "avatar_url"]
    formfield_overrides = URL_FIELDS


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    """Agents beside whichever user model the project has; tokens are never shown."""

    list_display = ["user_id", "name", "display_name", "user", "created_at"]
    search_fields = ["name", "display_name"]
    list_filter = ["user__account_users__account"]
    raw_id_fields = ["user"]
    fields = ["user", "name", "display_name", "avatar_url", "created_at", "updated_at"]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = URL_FIELDS


if not User._meta.swapped:
    # The standalone server's own users (a host project's users are in its own admin).

    @admin.register(User)
    class UserAdmin(BaseUserAdmin):
        ordering = ["id"]
        list_display = ["id", "email", "agent", "is_staff", "is_active"]
        list_filter = ["is_staff", "is_active", "account_users__account"]
        search_fields = ["email", "agent__name", "agent__display_name"]
        # Tokens are credentials: never shown in the admin (seed_demo prints them, and the
        # API returns them to their owner only).
        fieldsets = [
            (None, {"fields": ["email", "password"]}),
            ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ]
        add_fieldsets = [
            (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
        ]
        inlines = [AgentInline, AccountUserInline]


@admin.register(AccountUser)
class AccountUserAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "account", "role", "availability", "auto_offline"]
    list_filter = ["account", "role", "availability", "auto_offline"]
    search_fields = ["user__agent__name", "user__agent__display_name", "account__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["account"]


class InboxMemberInline(admin.TabularInline):
    model = InboxMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Inbox)
class InboxAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "channel_type", "account", "identifier", "created_at"]
    list_filter = ["channel_type", "account"]
    search_fields = ["name", "identifier", "website_token"]
    readonly_fields = ["identifier", "website_token", "hmac_token", "snippet"]
    formfield_overrides = URL_FIELDS
    fieldsets = [
        (None, {"fields": ["account", "name", "channel_type", "identifier"]}),
        (
            "Conversations",
            {
                "fields": [
                    "greeting_enabled",
                    "greeting_message",
                    "enable_email_collect",
                    "csat_survey_enabled",
                    "enable_auto_assignment",
                    "allow_messages_after_resolved",
                    "lock_to_single_conversation",
                    "working_hours_enabled",
                    "out_of_office_message",
                    "timezone",
                    "business_name",
                ]
            },
        ),
        ("Identity (HMAC)", {"fields": ["hmac_token", "hmac_mandatory"]}),
        ("API channel", {"fields": ["webhook_url", "additional_attributes"]}),
        (
            "Website widget",
            {
                "fields": [
                    "snippet",
                    "website_token",
                    "website_url",
                    "widget_color",
                    "welcome_title",
                    "welcome_tagline",
                    "reply_time",
                    "pre_chat_form_enabled",
                    "pre_chat_form_options",
                    "continuity_via_email",
                    "allowed_domains",
                    "selected_feature_flags",
                ]
            },
        ),
    ]
    inlines = [InboxMemberInline]

    @admin.display(description="Snippet for the site's pages")
    def snippet(self, inbox: Inbox) -> str:
        if inbox.channel_type != Inbox.ChannelType.WEB_WIDGET or not inbox.pk:
            return "—"
        return format_html("<pre>{}</pre>", widget_snippet(inbox))


@admin.register(InboxMember)
class InboxMemberAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "inbox"]
    list_filter = ["inbox__account", "inbox"]
    search_fields = ["user__agent__name", "inbox__name"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["inbox"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "account", "allow_auto_assign"]
    list_filter = ["account"]
    search_fields = ["name"]
    inlines = [TeamMemberInline]


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "team"]
    list_filter = ["team__account", "team"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["team"]


class ContactInboxInline(admin.TabularInline):
    model = ContactInbox
    extra = 0
    fields = ["inbox", "source_id", "hmac_verified", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "name",
        "email",
        "phone_number",
        "identifier",
        "blocked",
        "account",
        "created_at",
    ]
    list_filter = ["account", "blocked", "labels"]
    autocomplete_fields = ["labels"]
    search_fields = ["name", "email", "phone_number", "identifier"]
    readonly_fields = ["created_at", "updated_at"]
    formfield_overrides = URL_FIELDS
    inlines = [ContactInboxInline]


@admin.register(ContactInbox)
class ContactInboxAdmin(admin.ModelAdmin):
    list_display = ["id", "contact", "inbox", "source_id", "hmac_verified", "created_at"]
    list_filter = ["inbox__account", "inbox", "hmac_verified"]
    search_fields = ["source_id", "contact__name", "contact__email"]
    autocomplete_fields = ["contact", "inbox"]
    # The socket token is a credential: not displayed.
    exclude = ["pubsub_token"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ["message_type", "content", "private", "status", "sender_user", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["sender_user"]
    show_change_link = True


class ParticipantInline(admin.TabularInline):
    model = ConversationParticipant
    extra = 0
    raw_id_fields = ["user"]
    exclude = ["account"]


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = [
        "display_id",
        "account",
        "inbox",
        "contact",
        "status",
        "priority",
        "assignee",
        "team",
        "last_activity_at",
    ]
    list_display_links = ["display_id"]
    list_filter = ["status", "priority", "account", "inbox", "team", "labels"]
    search_fields = ["contact__name", "contact__email", "=display_id"]
    list_select_related = ["account", "inbox", "contact", "assignee", "team"]
    raw_id_fields = ["assignee"]
    autocomplete_fields = ["contact", "contact_inbox", "team", "inbox", "labels"]
    readonly_fields = [
        "display_id",
        "created_at",
        "updated_at",
        "last_activity_at",
        "waiting_since",
        "first_reply_created_at",
    ]
    date_hierarchy = "last_activity_at"
    inlines = [MessageInline, ParticipantInline]

    def save_formset(self, request, form, formset, change) -> None:
        # A participant added here belongs to the conversation's account.
        for participant in formset.save(commit=False):
            if isinstance(participant, ConversationParticipant):
                participant.account_id = form.instance.account_id
            participant.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["file_type", "file", "content_type", "file_size", "width", "height"]
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    inlines = [AttachmentInline]
    list_display = [
        "id",
        "conversation",
        "message_type",
        "content_type",
        "private",
        "status",
        "created_at",
    ]
    list_filter = ["message_type", "content_type", "private", "status", "account"]
    search_fields = ["content", "source_id"]
    list_select_related = ["conversation__contact"]
    raw_id_fields = ["sender_user"]
    autocomplete_fields = ["conversation", "sender_contact", "inbox", "account"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["title", "account", "color", "show_on_sidebar", "created_at"]
    list_filter = ["account", "show_on_sidebar"]
    search_fields = ["title", "description"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "notification_type", "user", "conversation", "read_at", "created_at"]
    list_filter = ["notification_type", "account"]
    raw_id_fields = ["user", "actor", "conversation", "message"]
    readonly_fields = ["created_at"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "conversation", "mentioned_at"]
    list_filter = ["account"]
    raw_id_fields = ["user", "conversation"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["id", "message", "file_type", "content_type", "file_size", "created_at"]
    list_filter = ["file_type", "account"]
    raw_id_fields = ["message"]
    autocomplete_fields = ["account"]
    readonly_fields = ["created_at"]


@admin.register(ConversationParticipant)
class ConversationParticipantAdmin(admin.ModelAdmin):
    list_display = ["id", "conversation", "user", "created_at"]
    list_filter = ["account"]
    raw_id_fields = ["conversation", "user"]
    readonly_fields = ["created_at"]
