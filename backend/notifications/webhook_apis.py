"""The webhooks API: endpoints of a workspace, their deliveries and attempts, redelivery."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_workspace
from config.errors import ApplicationError
from config.pagination import paginate, paginated_serializer
from config.schema import ErrorSerializer
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from notifications.selectors import webhook_delivery_list, webhook_endpoint_get, webhook_endpoint_list
from notifications.services import (
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)


class WebhookEndpointOutputSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))
    secret_hint = serializers.CharField(help_text="The start of the secret, to tell which one a receiver has.")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "enabled",
            "secret_hint",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]


@extend_schema_serializer(component_name="WebhookEndpointWithSecret")
class WebhookEndpointSecretOutputSerializer(WebhookEndpointOutputSerializer):
    secret = serializers.CharField(help_text="whsec_…: shown this once. Verify each request's signature with it.")

    class Meta(WebhookEndpointOutputSerializer.Meta):
        fields = [*WebhookEndpointOutputSerializer.Meta.fields, "secret"]


class WebhookAttemptOutputSerializer(serializers.ModelSerializer[WebhookAttempt]):
    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "manual",
            "started_at",
            "status_code",
            "latency_ms",
            "succeeded",
            "response_excerpt",
            "error",
        ]


class WebhookDeliveryOutputSerializer(serializers.ModelSerializer[WebhookDelivery]):
    job = serializers.UUIDField(source="job_id", allow_null=True)
    attempt_log = WebhookAttemptOutputSerializer(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "message_id",
            "job",
            "status",
            "attempts",
            "next_attempt_at",
            "created_at",
            "succeeded_at",
            "attempt_log",
        ]


def _endpoint(request: Request, endpoint_id: str) -> WebhookEndpoint:
    endpoint = webhook_endpoint_get(workspace=request_workspace(request), endpoint_id=endpoint_id)
    if endpoint is None:
        raise ApplicationError("No such webhook endpoint.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
    return endpoint


class WebhookEndpointListCreateApi(APIView):
    # JSON only: lists (events, addresses) have no form encoding.
    parser_classes = [JSONParser]

    @extend_schema_serializer(component_name="WebhookEndpointCreateInput")
    class InputSerializer(serializers.Serializer[Any]):
        url = serializers.CharField(max_length=2000)
        events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False)
        description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(operation_id="webhooks_list", responses={200: WebhookEndpointOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        endpoints = webhook_endpoint_list(workspace=request_workspace(request))
        return Response(WebhookEndpointOutputSerializer(endpoints, many=True).data)

    @extend_schema(
        operation_id="webhooks_create", request=InputSerializer, responses={201: WebhookEndpointSecretOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_create(workspace=request_workspace(request), **data.validated_data)
        return Response(WebhookEndpointSecretOutputSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(APIView):
    # JSON only: lists (events, addresses) have no form encoding.
    parser_classes = [JSONParser]

    @extend_schema_serializer(component_name="WebhookEndpointUpdateInput")
    class InputSerializer(serializers.Serializer[Any]):
        url = serializers.CharField(max_length=2000, required=False)
        events = serializers.ListField(
            child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False, required=False
        )
        description = serializers.CharField(max_length=200, required=False, allow_blank=True)
        enabled = serializers.BooleanField(required=False, help_text="true turns a disabled endpoint on again.")

    @extend_schema(operation_id="webhooks_retrieve", responses={200: WebhookEndpointOutputSerializer})
    def get(self, request: Request, endpoint_id: str) -> Response:
        return Response(WebhookEndpointOutputSerializer(_endpoint(request, endpoint_id)).data)

    @extend_schema(
        operation_id="webhooks_update", request=InputSerializer, responses={200: WebhookEndpointOutputSerializer}
    )
    def patch(self, request: Request, endpoint_id: str) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        data = self.InputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = webhook_endpoint_update(endpoint=endpoint, **data.validated_data)
        return Response(WebhookEndpointOutputSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_destroy", responses={204: None})
    def delete(self, request: Request, endpoint_id: str) -> Response:
        webhook_endpoint_delete(endpoint=_endpoint(request, endpoint_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookEndpointRotateSecretApi(APIView):
    @extend_schema(
        operation_id="webhooks_rotate_secret", request=None, responses={200: WebhookEndpointSecretOutputSerializer}
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        endpoint = webhook_endpoint_rotate_secret(endpoint=_endpoint(request, endpoint_id))
        return Response(WebhookEndpointSecretOutputSerializer(endpoint).data)


class WebhookDeliveryListApi(APIView):
    @extend_schema(
        operation_id="webhooks_deliveries_list", responses={200: paginated_serializer(WebhookDeliveryOutputSerializer)}
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        return paginate(
            queryset=webhook_delivery_list(endpoint=endpoint),
            serializer_class=WebhookDeliveryOutputSerializer,
            request=request,
            view=self,
        )


class WebhookDeliveryRedeliverApi(APIView):
    @extend_schema(
        operation_id="webhooks_deliveries_redeliver",
        request=None,
        responses={202: WebhookDeliveryOutputSerializer, 409: ErrorSerializer},
    )
    def post(self, request: Request, endpoint_id: str, delivery_id: str) -> Response:
        endpoint = _endpoint(request, endpoint_id)
        delivery = (
            webhook_delivery_list(endpoint=endpoint).filter(pk=int(delivery_id) if delivery_id.isdigit() else 0).first()
        )
        if delivery is None:
            raise ApplicationError("No such delivery.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
        delivery = webhook_delivery_redeliver(delivery=delivery)
        return Response(WebhookDeliveryOutputSerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
