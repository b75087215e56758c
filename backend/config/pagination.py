from __future__ import annotations

from typing import Any

from rest_framework import pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response

_paginated_serializers: dict[str, type[serializers.Serializer[Any]]] = {}


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def paginated_serializer(item: type[serializers.Serializer[Any]]) -> type[serializers.Serializer[Any]]:
    """The page envelope around ``item``, so the OpenAPI schema describes list bodies exactly."""
    name = f"Paginated{item.__name__.removesuffix('Serializer')}List"
    if name not in _paginated_serializers:
        _paginated_serializers[name] = type(
            name,
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
            },
        )
    return _paginated_serializers[name]


def paginate(
    *, queryset: Any, serializer_class: type[serializers.Serializer[Any]], request: Request, view: Any
) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
