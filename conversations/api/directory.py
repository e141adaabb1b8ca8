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
from ..services.agents import agent_set_availability
from . import serializers as inputs
from .application import AgentAPIView, validated
from .authentication import AccessTokenAuthentication
from .schema import document


def email_of(user: Any) -> str:
    field = user.get_email_field_name() if hasattr(user, "get_email_field_name") else "email"
    return getattr(user, field, "") or ""


def agent_body(membership: AccountUser) -> dict[str, Any]:
    """An agent of an account (``api/v1/models/_agent``)."""
    user = membership.user
    agent = agent_of(user)
    return {
        "id": user.pk,
        "account_id": membership.account_id,
        "availability_status": presence.agent_status(user.pk, membership.account_id),
        "auto_offline": membership.auto_offline,
        "confirmed": True,
        "email": email_of(user),
        "provider": "email",
        "available_name": agent.available_name,
        "name": agent.name,
        "display_name": agent.display_name,
        "role": membership.role,
        "thumbnail": agent.avatar_url or "",
        "avatar_url": agent.avatar_url or "",
        "type": "user",
    }


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


def inbox_body(inbox: Inbox) -> dict[str, Any]:
    return {
        "id": inbox.id,
        "channel_id": inbox.id,  # CarbonChat's inboxes are their own channel
        "name": inbox.name,
        "channel_type": inbox.channel_type,
        "avatar_url": "",
        "provider": None,
        "greeting_enabled": False,
        "greeting_message": None,
        "working_hours_enabled": False,
        "enable_email_collect": True,
        "csat_survey_enabled": False,
        "enable_auto_assignment": True,
        "allow_messages_after_resolved": True,
        "inbox_identifier": inbox.identifier
        if inbox.channel_type == Inbox.ChannelType.API
        else None,
    }


def team_body(team: Team, user: Any) -> dict[str, Any]:
    return {
        "id": team.id,
        "name": team.name,
        "description": team.description,
        "allow_auto_assign": team.allow_auto_assign,
        "account_id": team.account_id,
        "is_member": team.members.filter(user=user).exists(),
    }


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


class InboxListView(AgentAPIView):
    @document(None, "inboxes_list")
    def get(self, request: Request, account_id: int) -> Response:
        inboxes = selectors.inboxes_visible_to(membership=self.membership).order_by("id")
        return Response({"payload": [inbox_body(i) for i in inboxes]})


class InboxDetailView(AgentAPIView):
    def inboxes(self) -> Any:
        return selectors.inboxes_visible_to(membership=self.membership)

    @document(None, "inboxes_show")
    def get(self, request: Request, account_id: int, inbox_id: int) -> Response:
        inbox = get_object_or_404(
            selectors.inboxes_visible_to(membership=self.membership), pk=inbox_id
        )
        return Response(inbox_body(inbox))


class InboxMembersView(InboxDetailView):
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


class TeamListView(AgentAPIView):
    @document(None, "teams_list")
    def get(self, request: Request, account_id: int) -> Response:
        teams = Team.objects.filter(account_id=self.account_id).order_by("id")
        return Response([team_body(t, request.user) for t in teams])


class TeamDetailView(AgentAPIView):
    @document(None, "teams_show")
    def get(self, request: Request, account_id: int, team_id: int) -> Response:
        team = get_object_or_404(Team, account_id=self.account_id, pk=team_id)
        return Response(team_body(team, request.user))


class TeamMembersView(AgentAPIView):
    @document(None, "team_members_list")
    def get(self, request: Request, account_id: int, team_id: int) -> Response:
        team = get_object_or_404(Team, account_id=self.account_id, pk=team_id)
        user_ids = TeamMember.objects.filter(team=team).values("user_id")
        members = AccountUser.objects.filter(
            account_id=self.account_id, user_id__in=user_ids
        ).select_related("user__agent")
        return Response([agent_body(m) for m in members.order_by("id")])
