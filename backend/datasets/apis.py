from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_workspace
from config.errors import ApplicationError
from config.fields import TextField
from config.pagination import PageNumberPagination, paginated_serializer
from datasets.registry import Dataset, dataset_get, dataset_list
from datasets.selectors import dataset_record_list


class ColumnOutputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    # DRF's stubs type Field.label/required/description as options; these are declared fields.
    label = serializers.CharField(source="display_label")  # type: ignore[assignment]
    type = serializers.CharField()
    required = serializers.BooleanField()  # type: ignore[assignment]
    max_length = serializers.IntegerField(allow_null=True)
    aliases = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()


class DatasetOutputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()
    key_columns = serializers.ListField(child=serializers.CharField())
    timezone = serializers.CharField(help_text="Zone of date-times written without one, unless an upload says.")
    on_conflict_default = serializers.CharField()
    on_conflict_choices = serializers.ListField(child=serializers.CharField())
    columns = ColumnOutputSerializer(many=True)
    template_url = serializers.SerializerMethodField()

    def get_template_url(self, dataset: Dataset) -> str:
        return reverse("dataset-template", kwargs={"name": dataset.name})


def dataset_get_or_404(name: str) -> Dataset:
    dataset = dataset_get(name)
    if dataset is None:
        raise ApplicationError(f"No dataset named {name!r}.", code="not_found", status_code=status.HTTP_404_NOT_FOUND)
    return dataset


class DatasetListApi(APIView):
    @extend_schema(operation_id="datasets_list", responses={200: DatasetOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(DatasetOutputSerializer(dataset_list(), many=True).data)


class DatasetDetailApi(APIView):
    @extend_schema(operation_id="datasets_retrieve", responses={200: DatasetOutputSerializer})
    def get(self, request: Request, name: str) -> Response:
        return Response(DatasetOutputSerializer(dataset_get_or_404(name)).data)


@extend_schema_serializer(component_name="DatasetRecord")
class DatasetRecordOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    values = serializers.SerializerMethodField()
    source_job_id = serializers.UUIDField(allow_null=True)
    source_row_number = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(
        serializers.DictField(child=serializers.JSONField(allow_null=True), help_text="Column name -> stored value.")
    )
    def get_values(self, record: Any) -> dict[str, Any]:
        dataset: Dataset = self.context["dataset"]
        return {c.name: _plain(getattr(record, c.model_field)) for c in dataset.columns}


def _plain(value: Any) -> Any:
    """A stored value as JSON holds it: numbers and booleans stay, the rest becomes its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class DatasetRecordListApi(APIView):
    class FilterSerializer(serializers.Serializer[Any]):
        search = TextField(required=False, allow_blank=True, max_length=200)

    @extend_schema(
        operation_id="datasets_records_list",
        parameters=[FilterSerializer],
        responses={200: paginated_serializer(DatasetRecordOutputSerializer)},
    )
    def get(self, request: Request, name: str) -> Response:
        dataset = dataset_get_or_404(name)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        records = dataset_record_list(
            workspace=request_workspace(request), dataset=dataset, search=filters.validated_data.get("search", "")
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(records, request, view=self)
        data = DatasetRecordOutputSerializer(page, many=True, context={"dataset": dataset}).data
        return paginator.get_paginated_response(data)


class DatasetTemplateApi(APIView):
    # Schemas are declared in code and hold no workspace data; a plain link must download it.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(operation_id="datasets_template", responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request, name: str) -> HttpResponse:
        dataset = dataset_get_or_404(name)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.name for c in dataset.columns])
        writer.writerow([c.example for c in dataset.columns])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{dataset.name}-template.csv"'
        return response
