"""Serializer fields shared by the API's input serializers."""

from __future__ import annotations

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from rest_framework import serializers

# DRF refuses NUL characters already; as a RegexValidator the OpenAPI schema says so too (pattern).
NO_NUL_CHARACTERS = RegexValidator(
    r"^[^\x00]*$", "Null characters are not allowed.", code="null_characters_not_allowed"
)


class TextField(serializers.CharField):
    """A string and only a string: a JSON number or boolean is refused, not turned into text, and
    a NUL character (which PostgreSQL cannot store) is refused naming the field."""

    default_error_messages = {"invalid": "Not a valid string."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        self.validators.append(NO_NUL_CHARACTERS)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
