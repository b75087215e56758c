"""The one application error type. Services raise it; the API turns it into the one error body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class ApplicationError(Exception):
    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        fields: Mapping[str, Sequence[str]] | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = {name: list(messages) for name, messages in (fields or {}).items()}
        if status_code is not None:
            self.status_code = status_code
