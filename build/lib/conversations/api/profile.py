"""The agent's own profile: ``/api/v1/profile/…``."""

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..services.agents import agent_set_availability
from . import serializers as inputs
from .application import validated
from .authentication import AccessTokenAuthentication
from .schema import document


class AvailabilityView(APIView):
    authentication_classes = [AccessTokenAuthentication]

    @document(inputs.AvailabilitySerializer, "profile_availability")
    def post(self, request: Request) -> Response:
        data = validated(inputs.AvailabilitySerializer, request.data)
        membership = agent_set_availability(
            user=request.user, account_id=data["account_id"], availability=data["availability"]
        )
        if membership is None:
            raise serializers.ValidationError({"account_id": ["No such account."]})
        return Response(
            {"account_id": membership.account_id, "availability": membership.availability}
        )
