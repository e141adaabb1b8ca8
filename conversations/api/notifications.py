"""An agent's own notifications: ``/api/v1/accounts/{account_id}/notifications``."""

from typing import Any

from django.shortcuts import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from ..events.payloads import notification_payload
from ..models import Notification
from ..selectors import notification_counts
from ..services import notifications as notification_services
from . import serializers as inputs
from .application import AgentAPIView, validated
from .pagination import page_of
from .schema import document


class NotificationsAPIView(AgentAPIView):
    def mine(self) -> Any:
        return Notification.objects.filter(
            user=self.request.user, account_id=self.account_id
        ).select_related("conversation", "user__agent", "actor__agent")

    def get_notification(self, notification_id: int) -> Notification:
        return get_object_or_404(self.mine(), pk=notification_id)


class NotificationListView(NotificationsAPIView):
    @document(None, "notifications_list")
    def get(self, request: Request, account_id: int) -> Response:
        page, meta = page_of(self.mine(), request.query_params.get("page"))
        counts = notification_counts(request.user.pk, self.account_id)
        return Response(
            {
                "data": {
                    "meta": {**counts, "current_page": meta["current_page"]},
                    "payload": [notification_payload(n) for n in page],
                }
            }
        )


class NotificationReadAllView(NotificationsAPIView):
    @document(None, "notifications_read_all")
    def post(self, request: Request, account_id: int) -> Response:
        notification_services.notifications_read_all(user=request.user, account_id=self.account_id)
        return Response({})


class NotificationDetailView(NotificationsAPIView):
    @document(None, "notifications_read")
    def patch(self, request: Request, account_id: int, notification_id: int) -> Response:
        notification = notification_services.notification_read(
            notification=self.get_notification(notification_id)
        )
        return Response(notification_payload(notification))

    @document(None, "notifications_delete")
    def delete(self, request: Request, account_id: int, notification_id: int) -> Response:
        notification_services.notification_delete(
            notification=self.get_notification(notification_id)
        )
        return Response({})


class NotificationUnreadView(NotificationsAPIView):
    @document(None, "notifications_unread")
    def post(self, request: Request, account_id: int, notification_id: int) -> Response:
        notification = notification_services.notification_read(
            notification=self.get_notification(notification_id), read=False
        )
        return Response(notification_payload(notification))


class NotificationSnoozeView(NotificationsAPIView):
    @document(inputs.SnoozeSerializer, "notifications_snooze")
    def post(self, request: Request, account_id: int, notification_id: int) -> Response:
        data = validated(inputs.SnoozeSerializer, request.data)
        notification = notification_services.notification_snooze(
            notification=self.get_notification(notification_id), until=data["snoozed_until"]
        )
        return Response(notification_payload(notification))
