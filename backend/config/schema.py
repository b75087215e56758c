"""The OpenAPI schema's error answers: every operation lists the error statuses it can answer,
each with the one error body (component ``Error``, see config/exceptions.py).

Which statuses, from what the view declares:
- 400 when the operation takes a body or query parameters (validation), or parses a body;
- 401 when it needs a credential (HasWorkspace);
- 404 when its path has a parameter, or its list is paginated (a page that does not exist);
- 429 when a throttle applies to it (accounts/throttling.py);
- 500 always.
Views add the others (401 at sign-in, 409, 413) with @extend_schema(responses=...).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema_serializer
from rest_framework import serializers

from config.pagination import PageNumberPagination, is_paginated_serializer

ERROR_DESCRIPTIONS = {
    "400": "The request was refused: the error names the fields at fault.",
    "401": "Not authenticated: a credential or token is missing, wrong or expired.",
    "404": "Not found.",
    "409": "Conflict with the current state.",
    "413": "The upload is larger than the limit.",
    "429": "Too many requests: wait for the seconds in Retry-After.",
    "500": "An error on the server.",
    "503": "A service the API needs is unavailable.",
}


class ErrorDetailSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="Stable, for programs: invalid, not_found, throttled, ...")
    message = serializers.CharField(help_text="For people.")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "fields" is a Serializer attribute, so that field cannot be declared as a class attribute.
        fields = super().get_fields()
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages per field at fault (__all__ for the request as a whole).",
        )
        return fields


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer[Any]):
    error = ErrorDetailSerializer()


class AutoSchema(SpectacularAutoSchema):
    def _is_paginated(self) -> bool:
        if self.method != "GET":
            return False
        responses = self.get_response_serializers()
        candidates = responses.values() if isinstance(responses, dict) else [responses]
        return any(is_paginated_serializer(candidate) for candidate in candidates)

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if self._is_paginated():
            parameters += [
                OpenApiParameter(
                    "page",
                    {"type": "integer", "minimum": 1},
                    description="Page number, from 1 (404 past the last page).",
                ),
                OpenApiParameter(
                    "page_size",
                    {"type": "integer", "minimum": 1, "maximum": PageNumberPagination.max_page_size},
                    description=f"Items per page, 1 to {PageNumberPagination.max_page_size} "
                    f"(default {PageNumberPagination.page_size}).",
                ),
            ]
        return parameters

    def _error_statuses(self) -> set[str]:
        from accounts.permissions import HasWorkspace
        from accounts.throttling import ClientIpThrottle, PrincipalThrottle

        view = self.view
        statuses = {"500"}
        needs_credential = any(isinstance(p, HasWorkspace) for p in view.get_permissions())
        if needs_credential:
            statuses.add("401")
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            statuses.add("400")
        if any(p.get("in") == "query" for p in self._get_parameters()):
            statuses.add("400")
        if any(p.get("in") == "path" for p in self._get_parameters()):
            statuses.add("404")
        if self._is_paginated():
            statuses |= {"400", "404"}
        for throttle in view.get_throttles():
            if isinstance(throttle, ClientIpThrottle) or (
                isinstance(throttle, PrincipalThrottle) and needs_credential and self.method in throttle.methods
            ):
                statuses.add("429")
        return statuses

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code in sorted(self._error_statuses() - set(responses)):
            responses[code] = self._get_response_for_code(ErrorSerializer, code, direction=direction)
        for code, response in responses.items():
            if code in ERROR_DESCRIPTIONS and not response.get("description"):
                response["description"] = ERROR_DESCRIPTIONS[code]
        return dict(sorted(responses.items()))
