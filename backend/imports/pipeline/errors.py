"""The pipeline's own refusal: the file, or how it was asked to be read, cannot be read.

Not the web's ApplicationError: the pipeline runs in the worker too. The upload service answers
it as a 400 naming the field; the worker fails the job with its code.
"""

from __future__ import annotations


class InputRefused(Exception):
    def __init__(self, message: str, *, code: str, field: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.details = details or [message]


class PipelineFailure(Exception):
    """The file as a whole cannot be processed; the job fails with this reason."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
