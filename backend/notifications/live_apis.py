from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.principals import WorkspacePrincipal
from config.errors import ApplicationError
from config.schema import ErrorSerializer
from notifications.live import live_enabled
from notifications.stream import PATH
from notifications.tickets import TICKET_SECONDS, live_ticket_issue


class LiveTicketApi(APIView):
    """A ticket that opens the live stream of this workspace once, within a minute."""

    @extend_schema_serializer(component_name="LiveTicket")
    class OutputSerializer(serializers.Serializer[Any]):
        ticket = serializers.CharField()
        url = serializers.CharField(help_text="Open it with EventSource; events are named job.")
        expires_in = serializers.IntegerField(help_text="Seconds left to open the stream.")

    @extend_schema(
        operation_id="live_ticket_create", request=None, responses={201: OutputSerializer, 503: ErrorSerializer}
    )
    def post(self, request: Request) -> Response:
        if not live_enabled():
            raise ApplicationError(
                "Live updates are off on this server (no Redis); poll the API instead.",
                code="live_off",
                status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        principal = request.user
        assert isinstance(principal, WorkspacePrincipal)
        ticket = live_ticket_issue(workspace_id=principal.workspace.pk, user_id=principal.user_id)
        body = {"ticket": ticket, "url": f"{PATH}?ticket={ticket}", "expires_in": TICKET_SECONDS}
        return Response(self.OutputSerializer(body).data, status=status.HTTP_201_CREATED)


def live_events_unavailable(request: Any) -> Any:
    """/api/live/events/ reached the WSGI app: this server runs without the ASGI stream (make dev's
    runserver, or an old WSGI deployment). The page polls instead."""
    from django.http import JsonResponse

    message = "Live updates need the ASGI server (config.asgi); poll the API instead."
    return JsonResponse({"error": {"code": "live_off", "message": message, "fields": {}}}, status=503)
