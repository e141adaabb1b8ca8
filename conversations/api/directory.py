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
from ..services import memberships as membership_services
from ..services.agents import agent_set_availability
from . import serializers as inputs
from .application import AgentAPIView, save_unique, validated
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
