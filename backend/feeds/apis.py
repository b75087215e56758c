from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_workspace
from config.fields import TextField
from config.schema import ErrorSerializer
from feeds.models import FeedSource
from feeds.selectors import feed_source_get, feed_source_list
from feeds.services import feed_dataset_check, feed_refresh, feed_source_delete, feed_source_save
from imports.apis import ImportJobOutputSerializer


@extend_schema_serializer(component_name="FeedSource")
class FeedSourceOutputSerializer(serializers.ModelSerializer[FeedSource]):
    feed = serializers.CharField(source="dataset")

    class Meta:
        model = FeedSource
        fields = ["feed", "folder", "enabled", "last_refreshed_at", "last_error", "created_at", "updated_at"]


class FeedSourceListApi(APIView):
    @extend_schema(operation_id="feeds_list", responses={200: FeedSourceOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        sources = feed_source_list(workspace=request_workspace(request))
        return Response(FeedSourceOutputSerializer(sources, many=True).data)


class FeedSourceDetailApi(APIView):
    @extend_schema_serializer(component_name="FeedSourceInput")
    class InputSerializer(serializers.Serializer[Any]):
        folder = TextField(max_length=500, help_text="A folder under the server's FEEDS_ROOT.")
        enabled = serializers.BooleanField(required=False, default=True)

    @extend_schema(operation_id="feeds_retrieve", responses={200: FeedSourceOutputSerializer})
    def get(self, request: Request, feed: str) -> Response:
        source = feed_source_get(workspace=request_workspace(request), dataset=feed_dataset_check(feed))
        return Response(FeedSourceOutputSerializer(source).data)

    @extend_schema(operation_id="feeds_update", request=InputSerializer, responses={200: FeedSourceOutputSerializer})
    def put(self, request: Request, feed: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source = feed_source_save(workspace=request_workspace(request), dataset=feed, **data.validated_data)
        return Response(FeedSourceOutputSerializer(source).data)

    @extend_schema(operation_id="feeds_destroy", responses={204: None})
    def delete(self, request: Request, feed: str) -> Response:
        source = feed_source_get(workspace=request_workspace(request), dataset=feed_dataset_check(feed))
        feed_source_delete(source=source)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_serializer(component_name="FeedRefresh")
class FeedRefreshOutputSerializer(serializers.Serializer[Any]):
    @extend_schema_serializer(component_name="FeedSkippedFile")
    class SkippedSerializer(serializers.Serializer[Any]):
        filename = serializers.CharField()
        sha256 = serializers.CharField()
        job_id = serializers.UUIDField()
        reason = serializers.CharField()

    @extend_schema_serializer(component_name="FeedRefusedFile")
    class RefusedSerializer(serializers.Serializer[Any]):
        filename = serializers.CharField()
        message = serializers.CharField()

    feed = serializers.CharField(source="dataset")
    jobs = ImportJobOutputSerializer(many=True)
    skipped = SkippedSerializer(many=True)
    refused = RefusedSerializer(many=True)


class FeedRefreshApi(APIView):
    @extend_schema(
        operation_id="feeds_refresh", request=None, responses={202: FeedRefreshOutputSerializer, 409: ErrorSerializer}
    )
    def post(self, request: Request, feed: str) -> Response:
        refresh = feed_refresh(workspace=request_workspace(request), dataset=feed)
        return Response(FeedRefreshOutputSerializer(refresh).data, status=status.HTTP_202_ACCEPTED)
