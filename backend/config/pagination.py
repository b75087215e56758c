from __future__ import annotations

from typing import Any

from rest_framework import pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response

_paginated_serializers: dict[str, type[serializers.Serializer[Any]]] = {}


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request: Request, paginator: Any) -> int:
        """page from 1; a page past the last is a 404, anything but a whole number a 400."""
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise serializers.ValidationError({self.page_query_param: ["A whole number from 1."]})
        return int(raw)

    def get_page_size(self, request: Request) -> int:
        """page_size from 1 to max_page_size; anything else is refused, not silently replaced."""
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size  # type: ignore[return-value]
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise serializers.ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)


def is_paginated_serializer(candidate: Any) -> bool:
    return any(candidate is made for made in _paginated_serializers.values())


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
