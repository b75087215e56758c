from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_workspace
from cards.models import CardEvent, EventType
from cards.selectors import CardFound, card_feed_dataset_names, card_status_find
from config.fields import TextField
from config.schema import ErrorSerializer


@extend_schema_serializer(component_name="CardEvent")
class CardEventOutputSerializer(serializers.Serializer[CardEvent]):
    event_type = serializers.ChoiceField(choices=EventType.choices)
    event_at = serializers.DateTimeField()
    mobile = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    partner_row_id = serializers.CharField(allow_null=True)
    dataset = serializers.SerializerMethodField()
    job_id = serializers.UUIDField(source="source_job_id", allow_null=True)
    row_number = serializers.IntegerField(source="source_row_number", allow_null=True)

    def get_dataset(self, event: CardEvent) -> str:
        names = self.context.setdefault("feeds", card_feed_dataset_names())
        return str(names.get(event.event_type, ""))


@extend_schema_serializer(component_name="CardStatus")
class CardStatusOutputSerializer(serializers.Serializer[CardFound]):
    card_id = serializers.CharField(source="status.card_id")
    status = serializers.ChoiceField(source="status.status", choices=EventType.choices)
    status_at = serializers.DateTimeField(source="status.status_at")
    mobile = serializers.CharField(source="status.mobile", allow_null=True)
    anomaly = serializers.BooleanField(source="status.anomaly")
    anomaly_reason = serializers.CharField(source="status.anomaly_reason")
    events_count = serializers.IntegerField(source="status.events_count")
    updated_at = serializers.DateTimeField(source="status.updated_at")
    events = CardEventOutputSerializer(many=True, allow_null=True)


@extend_schema_serializer(component_name="CardStatusList")
class CardStatusListOutputSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    results = CardStatusOutputSerializer(many=True)


class CardStatusApi(APIView):
    """Where a card is: by its id, or by its holder's mobile (one mobile may hold several cards)."""

    class FilterSerializer(serializers.Serializer[Any]):
        card_id = TextField(required=False, allow_blank=True, max_length=100)
        user_mobile = TextField(
            required=False, allow_blank=True, max_length=50, help_text="Any usual form: 0585949014, +971 58 594 9014"
        )
        history = serializers.BooleanField(required=False, default=False, help_text="Include the events, oldest first.")

    @extend_schema(
        operation_id="cards_status_retrieve",
        parameters=[FilterSerializer],
        responses={200: CardStatusListOutputSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        found = card_status_find(workspace=request_workspace(request), **filters.validated_data)
        body = {"count": len(found), "results": found}
        return Response(CardStatusListOutputSerializer(body).data)


class LegacyCardStatusApi(CardStatusApi):
    """The same answer at the path partners' existing scripts call."""

    @extend_schema(
        operation_id="get_card_status_retrieve",
        parameters=[CardStatusApi.FilterSerializer],
        responses={200: CardStatusListOutputSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        return super().get(request)
