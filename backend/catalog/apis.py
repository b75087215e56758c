from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import request_workspace
from catalog.models import Book
from catalog.selectors import book_list
from config.fields import TextField
from config.pagination import paginate, paginated_serializer


class BookOutputSerializer(serializers.ModelSerializer[Book]):
    class Meta:
        model = Book
        fields = ["id", "title", "author", "isbn", "publication_year", "created_at", "updated_at"]


class BookListApi(APIView):
    class FilterSerializer(serializers.Serializer[Any]):
        search = TextField(required=False, allow_blank=True)
        isbn = TextField(required=False, allow_blank=True)

    @extend_schema(
        operation_id="books_list",
        parameters=[FilterSerializer],
        responses={200: paginated_serializer(BookOutputSerializer)},
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        books = book_list(workspace=request_workspace(request), **filters.validated_data)
        return paginate(queryset=books, serializer_class=BookOutputSerializer, request=request, view=self)
