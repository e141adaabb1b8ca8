"""Who and what an integrator finds first: the profile, agents, inboxes, teams (read side).

Shapes as Chatwoot 4.10's views (``api/v1/models/_user``, ``_agent``, ``_inbox``, ``_team``).
"""

from typing import Any

from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import presence, selectors
from ..models import AccountUser, Inbox, InboxMember, Team, TeamMember
from ..models.agent import agent_of
from ..services import inboxes as inbox_services
from ..services import memberships as membership_services
from ..services.agents import agent_set_availability
from ..widget import widget_snippet
from . import serializers as inputs
from .application import AgentAPIView, save_unique, validated
from .authentication import AccessTokenAuthentication
from .representations import agent_body, email_of, team_fields
from .schema import document


def profile_body(user: Any) -> dict[str, Any]:
    """The caller's own profile (``api/v1/models/_user``): its own tokens included."""
    agent = agent_of(user)
    memberships = list(AccountUser.objects.filter(user=user).select_related("account"))
    first = memberships[0] if memberships else None
    return {
        "id": user.pk,
        "access_token": agent.access_token,
        "pubsub_token": agent.pubsub_token,
        "account_id": first.account_id if first else None,
        "available_name": agent.available_name,
        "avatar_url": agent.avatar_url or "",
        "confirmed": True,
        "display_name": agent.display_name,
        "email": email_of(user),
        "name": agent.name,
        "provider": "email",
        "role": first.role if first else None,
        "type": "user",
        "uid": email_of(user),
        "ui_settings": {},
        "accounts": [
            {
                "id": m.account_id,
                "name": m.account.name,
                "status": m.account.status,
                "active_at": None,
                "role": m.role,
                "permissions": [m.role],
                "availability": m.availability,
                "availability_status": presence.agent_status(user.pk, m.account_id),
                "auto_offline": m.auto_offline,
            }
            for m in memberships
        ],
    }


# Chatwoot's inbox view keys that CarbonChat's channels have no use for, answered empty.
INBOX_UNUSED = {
    "csat_config": {},
    "auto_assignment_config": {},
    "working_hours": [],
    "callback_webhook_url": None,
    "sender_name_type": "friendly",
    "provider": None,
    "messaging_service_sid": None,
    "phone_number": None,
}
WIDGET_KEYS = (
    "allowed_domains",
    "widget_color",
    "website_url",
    "hmac_mandatory",
    "welcome_title",
    "welcome_tagline",
    "website_token",
    "selected_feature_flags",
    "reply_time",
)


def inbox_body(inbox: Inbox, *, administrator: bool = False) -> dict[str, Any]:
    """An inbox as Chatwoot's ``api/v1/models/_inbox`` shows it; ``hmac_token`` (a secret)
    to the account's administrators only."""
    body: dict[str, Any] = {
        "id": inbox.id,
        "avatar_url": "",
        "channel_id": inbox.id,  # CarbonChat's inboxes are their own channel
        "name": inbox.name,
        "channel_type": inbox.channel_type,
        "greeting_enabled": inbox.greeting_enabled,
        "greeting_message": inbox.greeting_message,
        "working_hours_enabled": inbox.working_hours_enabled,
        "enable_email_collect": inbox.enable_email_collect,
        "csat_survey_enabled": inbox.csat_survey_enabled,
        "enable_auto_assignment": inbox.enable_auto_assignment,
        "out_of_office_message": inbox.out_of_office_message,
        "timezone": inbox.timezone,
        "allow_messages_after_resolved": inbox.allow_messages_after_resolved,
        "lock_to_single_conversation": inbox.lock_to_single_conversation,
        "business_name": inbox.business_name,
        **INBOX_UNUSED,
    }
    widget = inbox.channel_type == Inbox.ChannelType.WEB_WIDGET
    for key in WIDGET_KEYS:
        body[key] = getattr(inbox, key) if widget else None
    body["web_widget_script"] = widget_snippet(inbox) if widget else None
    if widget:
        body["pre_chat_form_enabled"] = inbox.pre_chat_form_enabled
        body["pre_chat_form_options"] = inbox.pre_chat_form_options
        body["continuity_via_email"] = inbox.continuity_via_email
    if inbox.channel_type == Inbox.ChannelType.API:
        body["webhook_url"] = inbox.webhook_url
        body["inbox_identifier"] = inbox.identifier
        body["additional_attributes"] = inbox.additional_attributes
        body["hmac_mandatory"] = inbox.hmac_mandatory
    else:
        body["inbox_identifier"] = None
    if administrator and (widget or inbox.channel_type == Inbox.ChannelType.API):
        body["hmac_token"] = inbox.hmac_token
    return body


def team_body(team: Team, user: Any) -> dict[str, Any]:
    """``api/v1/models/_team``: the team, and whether the caller is in it."""
    return {**team_fields(team), "is_member": team.members.filter(user=user).exists()}


class ProfileView(APIView):
    authentication_classes = [AccessTokenAuthentication]

    @document(None, "profile_show")
    def get(self, request: Request) -> Response:
        return Response(profile_body(request.user))


class AvailabilityView(APIView):
    """``POST /api/v1/profile/availability``: Chatwoot's clients send ``{"profile": {...}}``;
    the flat form is accepted too."""

    authentication_classes = [AccessTokenAuthentication]

    @document(inputs.AvailabilitySerializer, "profile_availability")
    def post(self, request: Request) -> Response:
        body = request.data.get("profile", request.data) if isinstance(request.data, dict) else {}
        data = validated(inputs.AvailabilitySerializer, body)
        membership = agent_set_availability(
            user=request.user, account_id=data["account_id"], availability=data["availability"]
        )
        if membership is None:
            raise serializers.ValidationError({"account_id": ["No such account."]})
        return Response(profile_body(request.user))


class AgentListView(AgentAPIView):
    @document(None, "agents_list")
    def get(self, request: Request, account_id: int) -> Response:
        members = AccountUser.objects.filter(account_id=self.account_id).select_related(
            "user__agent"
        )
        return Response([agent_body(m) for m in members.order_by("id")])

    @document(inputs.AgentCreateSerializer, "agents_create")
    def post(self, request: Request, account_id: int) -> Response:
        self.require_administrator()
        data = validated(inputs.AgentCreateSerializer, request.data)
        try:
            membership = membership_services.agent_create(account=self.membership.account, **data)
        except membership_services.NotCreatable as exc:
            raise serializers.ValidationError({"email": [f"No such user; {exc}."]}) from None
        return Response(agent_body(membership))


class AgentDetailView(AgentAPIView):
    def get_member(self, user_id: int) -> AccountUser:
        return get_object_or_404(
            AccountUser.objects.select_related("user__agent"),
            account_id=self.account_id,
            user_id=user_id,
        )

    @document(None, "agents_show")
    def get(self, request: Request, account_id: int, user_id: int) -> Response:
        return Response(agent_body(self.get_member(user_id)))

    @document(inputs.AgentUpdateSerializer, "agents_update")
    def patch(self, request: Request, account_id: int, user_id: int) -> Response:
        self.require_administrator()
        membership = self.get_member(user_id)
        data = validated(inputs.AgentUpdateSerializer, request.data)
        return Response(agent_body(membership_services.agent_update(membership=membership, **data)))

    @document(None, "agents_delete")
    def delete(self, request: Request, account_id: int, user_id: int) -> Response:
        self.require_administrator()
        membership_services.agent_remove(membership=self.get_member(user_id))
        return Response({})


def inbox_settings(data: dict[str, Any]) -> dict[str, Any]:
    """A validated inbox body as model fields: the channel's settings flattened in."""
    channel = dict(data.pop("channel", {}))
    channel.pop("type", None)
    return {**data, **channel}


class InboxListView(AgentAPIView):
    @document(None, "inboxes_list")
    def get(self, request: Request, account_id: int) -> Response:
        inboxes = selectors.inboxes_visible_to(membership=self.membership).order_by("id")
        administrator = self.membership.is_administrator
        return Response({"payload": [inbox_body(i, administrator=administrator) for i in inboxes]})

    @document(inputs.InboxSerializer, "inboxes_create")
    def post(self, request: Request, account_id: int) -> Response:
        """An API or website-widget inbox (``channel.type`` ``api`` or ``web_widget``)."""
        self.require_administrator()
        data = validated(inputs.InboxSerializer, request.data)
        channel_type = inputs.CHANNEL_TYPES[data["channel"]["type"]]
        inbox = inbox_services.inbox_create(
            account=self.membership.account, channel_type=channel_type, **inbox_settings(data)
        )
        return Response(inbox_body(inbox, administrator=True))


class InboxDetailView(AgentAPIView):
    def get_inbox(self, inbox_id: int) -> Inbox:
        return get_object_or_404(
            selectors.inboxes_visible_to(membership=self.membership), pk=inbox_id
        )

    @document(None, "inboxes_show")
    def get(self, request: Request, account_id: int, inbox_id: int) -> Response:
        inbox = self.get_inbox(inbox_id)
        return Response(inbox_body(inbox, administrator=self.membership.is_administrator))

    @document(inputs.InboxSerializer, "inboxes_update")
    def patch(self, request: Request, account_id: int, inbox_id: int) -> Response:
        self.require_administrator()
        inbox = self.get_inbox(inbox_id)
        serializer = inputs.InboxSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        requested = data.get("channel", {}).get("type")
        if requested and inputs.CHANNEL_TYPES[requested] != inbox.channel_type:
            raise serializers.ValidationError({"channel": ["An inbox keeps its channel type."]})
        inbox = inbox_services.inbox_update(inbox=inbox, **inbox_settings(data))
        return Response(inbox_body(inbox, administrator=True))

    @document(None, "inboxes_delete")
    def delete(self, request: Request, account_id: int, inbox_id: int) -> Response:
        """As Chatwoot: the inbox goes with its conversations; administrators only."""
        self.require_administrator()
        inbox_services.inbox_delete(inbox=self.get_inbox(inbox_id))
        return Response({"message": "The inbox was deleted."})


class InboxMembersView(AgentAPIView):
    @document(None, "inbox_members_list")
    def get(self, request: Request, account_id: int, inbox_id: int) -> Response:
        inbox = get_object_or_404(
            selectors.inboxes_visible_to(membership=self.membership), pk=inbox_id
        )
        user_ids = InboxMember.objects.filter(inbox=inbox).values("user_id")
        members = AccountUser.objects.filter(
            account_id=self.account_id, user_id__in=user_ids
        ).select_related("user__agent")
        return Response({"payload": [agent_body(m) for m in members.order_by("id")]})


class InboxMembersWriteView(AgentAPIView):
    """``POST`` adds, ``PATCH`` replaces, ``DELETE`` removes ``user_ids`` (administrators)."""

    def change(self, request: Request, mode: str) -> Response:
        self.require_administrator()
        data = validated(inputs.InboxMembersSerializer, request.data)
        inbox = get_object_or_404(Inbox, account_id=self.account_id, pk=data["inbox_id"])
        membership_services.inbox_members_change(
            inbox=inbox, user_ids=self.members_of_account(data["user_ids"]), mode=mode
        )
        return Response({"payload": members_body(self.account_id, InboxMember, inbox=inbox)})

    @document(inputs.InboxMembersSerializer, "inbox_members_add")
    def post(self, request: Request, account_id: int) -> Response:
        return self.change(request, "add")

    @document(inputs.InboxMembersSerializer, "inbox_members_replace")
    def patch(self, request: Request, account_id: int) -> Response:
        return self.change(request, "replace")

    @document(inputs.InboxMembersSerializer, "inbox_members_remove")
    def delete(self, request: Request, account_id: int) -> Response:
        return self.change(request, "remove")


class TeamListView(AgentAPIView):
    @document(None, "teams_list")
    def get(self, request: Request, account_id: int) -> Response:
        teams = Team.objects.filter(account_id=self.account_id).order_by("id")
        return Response([team_body(t, request.user) for t in teams])

    @document(inputs.TeamSerializer, "teams_create")
    def post(self, request: Request, account_id: int) -> Response:
        self.require_administrator()
        data = validated(inputs.TeamSerializer, request.data)
        team = save_unique(
            lambda: membership_services.team_create(account=self.membership.account, **data),
            "name",
            "A team with this name already exists.",
        )
        return Response(team_body(team, request.user))


class TeamDetailView(AgentAPIView):
    def get_team(self, team_id: int) -> Team:
        return get_object_or_404(Team, account_id=self.account_id, pk=team_id)

    @document(None, "teams_show")
    def get(self, request: Request, account_id: int, team_id: int) -> Response:
        return Response(team_body(self.get_team(team_id), request.user))

    @document(inputs.TeamSerializer, "teams_update")
    def patch(self, request: Request, account_id: int, team_id: int) -> Response:
        self.require_administrator()
        team = self.get_team(team_id)
        serializer = inputs.TeamSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        team = save_unique(
            lambda: membership_services.team_update(team=team, **serializer.validated_data),
            "name",
            "A team with this name already exists.",
        )
        return Response(team_body(team, request.user))

    @document(None, "teams_delete")
    def delete(self, request: Request, account_id: int, team_id: int) -> Response:
        self.require_administrator()
        membership_services.team_delete(team=self.get_team(team_id))
        return Response({})


class TeamMembersView(TeamDetailView):
    @document(None, "team_members_list")
    def get(self, request: Request, account_id: int, team_id: int) -> Response:
        return Response(members_body(self.account_id, TeamMember, team=self.get_team(team_id)))

    def change(self, request: Request, team_id: int, mode: str) -> Response:
        self.require_administrator()
        team = self.get_team(team_id)
        data = validated(inputs.UserIdsSerializer, request.data)
        membership_services.team_members_change(
            team=team, user_ids=self.members_of_account(data["user_ids"]), mode=mode
        )
        return Response(members_body(self.account_id, TeamMember, team=team))

    @document(inputs.UserIdsSerializer, "team_members_add")
    def post(self, request: Request, account_id: int, team_id: int) -> Response:
        return self.change(request, team_id, "add")

    @document(inputs.UserIdsSerializer, "team_members_replace")
    def patch(self, request: Request, account_id: int, team_id: int) -> Response:
        return self.change(request, team_id, "replace")

    @document(inputs.UserIdsSerializer, "team_members_remove")
    def delete(self, request: Request, account_id: int, team_id: int) -> Response:
        return self.change(request, team_id, "remove")


def members_body(account_id: int, model: Any, **owner: Any) -> list[dict[str, Any]]:
    """The account's agents who are members of an inbox or a team."""
    user_ids = model.objects.filter(**owner).values("user_id")
    members = AccountUser.objects.filter(account_id=account_id, user_id__in=user_ids)
    return [agent_body(m) for m in members.select_related("user__agent").order_by("id")]
