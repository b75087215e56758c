"""Logs that say which request, workspace and import job they concern.

- ``RequestLogMiddleware`` gives every request an id (the caller's ``X-Request-ID`` when it is a
  sane token, a new one otherwise), echoes it in the response's ``X-Request-ID`` header, and logs
  one line per request (logger ``intake.request``: method, path without the query, status,
  duration). The path of an import job's URL binds its job id.
- The authentication classes bind the workspace (accounts/authentication.py).
- Celery tasks carry the request id of the request that queued them in a message header, and bind
  the job id they process (the signal handlers below, connected in config/celery.py).
- ``ContextFilter`` copies these onto every log record: the plain format (the default, for people)
  prints those that are set, the JSON format (LOG_FORMAT=json, compose and Kubernetes) has them as
  fields ``request_id``, ``workspace`` and ``job_id``.

No header value, query string or body is logged: API keys and tokens never reach the logs.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or a client may send as a request id; anything else is replaced, so a header
# cannot forge log lines.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Probes and scrapers call these every few seconds: their lines are DEBUG, not INFO.
_QUIET_PATHS = ("/api/health/", "/metrics")
FIELDS = ("request_id", "workspace", "job_id")

_context: dict[str, ContextVar[str | None]] = {name: ContextVar(name, default=None) for name in FIELDS}
request_logger = logging.getLogger("intake.request")


def log_context_bind(*, request_id: str | None = None, workspace: str | None = None, job_id: str | None = None) -> None:
    """Attach values to every record logged from here on in this thread (or task)."""
    for name, value in (("request_id", request_id), ("workspace", workspace), ("job_id", job_id)):
        if value is not None:
            _context[name].set(str(value))


def log_context_clear() -> None:
    for var in _context.values():
        var.set(None)


def log_context_get() -> dict[str, str | None]:
    return {name: var.get() for name, var in _context.items()}


class ContextFilter(logging.Filter):
    """Adds request_id, workspace and job_id to each record, and ``context`` for the plain format."""

    def filter(self, record: logging.LogRecord) -> bool:
        values = log_context_get()
        for name, value in values.items():
            if getattr(record, name, None) is None:
                setattr(record, name, value)
        shown = [f"{name}={getattr(record, name)}" for name in FIELDS if getattr(record, name) is not None]
        record.context = f"[{' '.join(shown)}] " if shown else ""
        return True


def _request_id(request: HttpRequest) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if _VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """First in MIDDLEWARE: the id and the log line cover every answer, redirects and errors included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        log_context_clear()
        request_id = _request_id(request)
        log_context_bind(request_id=request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            level = logging.DEBUG if request.path.startswith(_QUIET_PATHS) else logging.INFO
            request_logger.log(
                level,
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            log_context_clear()

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: dict[str, Any]) -> None:
        if "job_id" in kwargs:
            log_context_bind(job_id=str(kwargs["job_id"])[:64])


# ---- Celery ------------------------------------------------------------------------------------


def task_headers_add_request_id(*, headers: dict[str, Any] | None) -> None:
    """before_task_publish: the task carries the id of the request that queued it."""
    request_id = _context["request_id"].get()
    if headers is not None and request_id and "request_id" not in headers:
        headers["request_id"] = request_id


def task_context_bind(*, task: Any, args: Any, kwargs: dict[str, Any] | None) -> None:
    """task_prerun: a task's records carry its request id and, for imports, the job id."""
    log_context_clear()
    request_id = getattr(task.request, "request_id", None)
    job_id = (kwargs or {}).get("job_id")
    if job_id is None and args and str(getattr(task, "name", "")).startswith("imports."):
        job_id = args[0]
    log_context_bind(request_id=request_id, job_id=job_id)
