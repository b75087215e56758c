from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.principals import WorkspacePrincipal
from accounts.selectors import request_workspace
from config.schema import ErrorSerializer
from notifications.models import UserNotificationSettings
from notifications.selectors import user_import_emails, workspace_email_addresses
from notifications.services import (
    user_notification_settings_update,
    user_only,
    workspace_notification_settings_update,
)


def _user_id(request: Request) -> int:
    principal = request.user
    assert isinstance(principal, WorkspacePrincipal)
    return user_only(principal.user_id)


class MyNotificationSettingsApi(APIView):
    """The signed-in person's e-mails about the imports they start."""

    # JSON only: lists (events, addresses) have no form encoding.
    parser_classes = [JSONParser]

    @extend_schema_serializer(component_name="MyNotificationSettings")
    class OutputSerializer(serializers.Serializer[Any]):
        import_emails = serializers.ChoiceField(choices=UserNotificationSettings.ImportEmails.choices)

    @extend_schema_serializer(component_name="MyNotificationSettingsInput")
    class InputSerializer(serializers.Serializer[Any]):
        import_emails = serializers.ChoiceField(
            choices=UserNotificationSettings.ImportEmails.choices,
            help_text="all: every finished import; failures: failed or cancelled ones; off: none.",
        )

    @extend_schema(operation_id="notifications_me_retrieve", responses={200: OutputSerializer, 403: ErrorSerializer})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer({"import_emails": user_import_emails(user_id=_user_id(request))}).data)

    @extend_schema(
        operation_id="notifications_me_update",
        request=InputSerializer,
        responses={200: OutputSerializer, 403: ErrorSerializer},
    )
    def put(self, request: Request) -> Response:
        user_id = _user_id(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = user_notification_settings_update(user_id=user_id, **data.validated_data)
        return Response(self.OutputSerializer(preference).data)


class WorkspaceNotificationSettingsApi(APIView):
    """Where the workspace's notices go: jobs started by API keys, feeds and the command line, and
    webhook endpoints that were disabled."""

    # JSON only: lists (events, addresses) have no form encoding.
    parser_classes = [JSONParser]

    @extend_schema_serializer(component_name="WorkspaceNotificationSettings")
    class OutputSerializer(serializers.Serializer[Any]):
        email_addresses = serializers.ListField(child=serializers.EmailField())

    @extend_schema_serializer(component_name="WorkspaceNotificationSettingsInput")
    class InputSerializer(serializers.Serializer[Any]):
        email_addresses = serializers.ListField(child=serializers.CharField(allow_blank=True), max_length=100)

    @extend_schema(operation_id="notifications_workspace_retrieve", responses={200: OutputSerializer})
    def get(self, request: Request) -> Response:
        addresses = workspace_email_addresses(workspace_id=request_workspace(request).pk)
        return Response(self.OutputSerializer({"email_addresses": addresses}).data)

    @extend_schema(
        operation_id="notifications_workspace_update", request=InputSerializer, responses={200: OutputSerializer}
    )
    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = workspace_notification_settings_update(
            workspace=request_workspace(request), email_addresses=data.validated_data["email_addresses"]
        )
        return Response(self.OutputSerializer(row).data)
