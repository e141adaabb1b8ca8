"""Chatwoot's API paths."""

from collections.abc import Callable

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import application as app
from . import directory, notifications, public, widget

ACCOUNT = "api/v1/accounts/<int:account_id>/"
CONVERSATION = ACCOUNT + "conversations/<int:display_id>/"
PUBLIC = "public/api/v1/inboxes/<str:inbox_identifier>/"
WIDGET = "api/v1/widget/"
PUBLIC_CONTACT = PUBLIC + "contacts/<str:source_id>/"
PUBLIC_CONVERSATION = PUBLIC_CONTACT + "conversations/<int:display_id>/"

# URL names of second spellings of a documented path (left out of the OpenAPI schema).
ALIAS = "alias"


def alias(view_class: type) -> Callable:
    """``view_class`` at another spelling of its path, not documented twice."""
    return type(f"{view_class.__name__}Alias", (view_class,), {"schema": None}).as_view()


urlpatterns = [
    path(ACCOUNT + "conversations", app.ConversationListView.as_view()),
    path(CONVERSATION[:-1], app.ConversationDetailView.as_view()),
    path(CONVERSATION + "messages", app.MessageListView.as_view()),
    path(CONVERSATION + "messages/<int:message_id>", app.MessageDetailView.as_view()),
    path(CONVERSATION + "toggle_status", app.ToggleStatusView.as_view()),
    path(CONVERSATION + "assignments", app.AssignmentView.as_view()),
    path(CONVERSATION + "toggle_typing_status", app.TypingView.as_view()),
    path(CONVERSATION + "participants", app.ParticipantsView.as_view()),
    path(CONVERSATION + "update_last_seen", app.UpdateLastSeenView.as_view()),
    path(CONVERSATION + "toggle_priority", app.TogglePriorityView.as_view()),
    path(CONVERSATION + "labels", app.ConversationLabelsView.as_view()),
    path(CONVERSATION + "custom_attributes", app.ConversationCustomAttributesView.as_view()),
    path(CONVERSATION + "mute", app.MuteView.as_view()),
    path(CONVERSATION + "unmute", app.UnmuteView.as_view()),
    path(CONVERSATION + "unread", app.UnreadView.as_view()),
    path(ACCOUNT + "contacts", app.ContactListView.as_view()),
    path(ACCOUNT + "contacts/<int:contact_id>", app.ContactDetailView.as_view()),
    path(ACCOUNT + "contacts/<int:contact_id>/labels", app.ContactLabelsView.as_view()),
    path(
        ACCOUNT + "contacts/<int:contact_id>/conversations", app.ContactConversationsView.as_view()
    ),
    path(ACCOUNT + "contacts/<int:contact_id>/contact_inboxes", app.ContactInboxesView.as_view()),
    path(
        ACCOUNT + "contacts/<int:contact_id>/contactable_inboxes",
        app.ContactableInboxesView.as_view(),
    ),
    path(ACCOUNT + "labels", app.LabelListView.as_view()),
    path(ACCOUNT + "labels/<int:label_id>", app.LabelDetailView.as_view()),
    path(ACCOUNT[:-1] + "/cache_keys", app.CacheKeysView.as_view()),
    path(ACCOUNT + "actions/contact_merge", app.ContactMergeView.as_view()),
    path("api/v1/profile", directory.ProfileView.as_view()),
    path("api/v1/profile/availability", directory.AvailabilityView.as_view()),
    path(ACCOUNT + "agents", directory.AgentListView.as_view()),
    path(ACCOUNT + "agents/<int:user_id>", directory.AgentDetailView.as_view()),
    path(ACCOUNT + "inbox_members", directory.InboxMembersWriteView.as_view()),
    path(ACCOUNT + "inboxes", directory.InboxListView.as_view()),
    path(ACCOUNT + "inboxes/<int:inbox_id>", directory.InboxDetailView.as_view()),
    # Chatwoot's swagger (and so the client generated from it) spells these with a slash.
    path(ACCOUNT + "inboxes/", alias(directory.InboxListView), name=ALIAS),
    path(ACCOUNT + "inboxes/<int:inbox_id>/", alias(directory.InboxDetailView), name=ALIAS),
    path(ACCOUNT + "inbox_members/<int:inbox_id>", directory.InboxMembersView.as_view()),
    path(ACCOUNT + "teams", directory.TeamListView.as_view()),
    path(ACCOUNT + "teams/<int:team_id>", directory.TeamDetailView.as_view()),
    path(ACCOUNT + "teams/<int:team_id>/team_members", directory.TeamMembersView.as_view()),
    path(ACCOUNT + "conversations/meta", app.ConversationMetaView.as_view()),
    path(ACCOUNT + "conversations/filter", app.ConversationFilterView.as_view()),
    path(ACCOUNT + "contacts/filter", app.ContactFilterView.as_view()),
    path(ACCOUNT + "notifications", notifications.NotificationListView.as_view()),
    path(ACCOUNT + "notifications/read_all", notifications.NotificationReadAllView.as_view()),
    path(
        ACCOUNT + "notifications/<int:notification_id>",
        notifications.NotificationDetailView.as_view(),
    ),
    path(
        ACCOUNT + "notifications/<int:notification_id>/unread",
        notifications.NotificationUnreadView.as_view(),
    ),
    path(
        ACCOUNT + "notifications/<int:notification_id>/snooze",
        notifications.NotificationSnoozeView.as_view(),
    ),
    path(ACCOUNT + "contacts/search", app.ContactSearchView.as_view()),
    path(PUBLIC[:-1], public.PublicInboxView.as_view()),
    path(PUBLIC + "contacts", public.PublicContactCreateView.as_view()),
    path(PUBLIC_CONTACT[:-1], public.PublicContactDetailView.as_view()),
    path(PUBLIC_CONTACT + "conversations", public.PublicConversationListView.as_view()),
    path(PUBLIC_CONVERSATION[:-1], public.PublicConversationDetailView.as_view()),
    path(PUBLIC_CONVERSATION + "messages", public.PublicMessageListView.as_view()),
    path(
        PUBLIC_CONVERSATION + "messages/<int:message_id>",
        public.PublicMessageDetailView.as_view(),
    ),
    path(PUBLIC_CONVERSATION + "toggle_typing", public.PublicTypingView.as_view()),
    path(PUBLIC_CONVERSATION + "update_last_seen", public.PublicUpdateLastSeenView.as_view()),
    path(PUBLIC_CONVERSATION + "toggle_status", public.PublicToggleStatusView.as_view()),
    path(WIDGET + "config", widget.ConfigView.as_view()),
    path(WIDGET + "contact", widget.ContactView.as_view()),
    path(WIDGET + "contact/set_user", widget.SetUserView.as_view()),
    path(
        WIDGET + "contact/destroy_custom_attributes", widget.ContactAttributesDeleteView.as_view()
    ),
    path(WIDGET + "conversations", widget.ConversationsView.as_view()),
    path(WIDGET + "conversations/toggle_typing", widget.TypingView.as_view()),
    path(WIDGET + "conversations/update_last_seen", widget.LastSeenView.as_view()),
    path(WIDGET + "conversations/toggle_status", widget.ToggleStatusView.as_view()),
    path(
        WIDGET + "conversations/set_custom_attributes", widget.ConversationAttributesView.as_view()
    ),
    path(
        WIDGET + "conversations/destroy_custom_attributes",
        widget.ConversationAttributesDeleteView.as_view(),
    ),
    path(WIDGET + "messages", widget.MessagesView.as_view()),
    path(WIDGET + "messages/<int:message_id>", widget.MessageDetailView.as_view()),
    path(WIDGET + "inbox_members", widget.InboxMembersView.as_view()),
    path(WIDGET + "campaigns", widget.CampaignsView.as_view()),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script, so the page
    # runs under a Content-Security-Policy of 'self'.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
