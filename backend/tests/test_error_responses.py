"""Every error an /api/ path answers is in the error shape, 5xx included; a dropped database
connection is replaced before a request uses it."""

from __future__ import annotations

import json
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.services import api_key_create
from config.urls import handler400, handler403, handler404, handler500  # noqa: F401  (this urlconf's)


class BoomApi(APIView):
    def get(self, request: Request) -> None:
        raise RuntimeError("a bug")


def plain_boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/boom/", BoomApi.as_view()),
    path("admin-boom/", plain_boom),
    path("", include("config.urls")),
]


def assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "error": {"code": code, "message": response.json()["error"]["message"], "fields": {}}
    }


@pytest.mark.urls(__name__)
def test_an_unexpected_exception_in_an_api_view_answers_500_in_the_error_shape(client):
    client.raise_request_exception = False
    assert_error_shape(client.get("/api/boom/"), 500, "server_error")


@pytest.mark.urls(__name__)
def test_outside_the_api_an_unexpected_exception_keeps_djangos_page(db):
    response = Client(raise_request_exception=False).get("/admin-boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_a_host_django_refuses_answers_400_in_the_error_shape(db):
    assert_error_shape(Client(HTTP_HOST="evil.example").get("/api/health/"), 400, "bad_request")


def test_a_missing_api_object_answers_404_in_the_error_shape(client):
    assert_error_shape(client.get("/api/imports/0b6f4c0e-0000-0000-0000-000000000000/"), 404, "not_found")


def test_database_connections_are_checked_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


def _wsgi_get(handler, path, **headers):
    """A request through the WSGI application as gunicorn makes it (request signals included)."""
    factory: Any = RequestFactory()
    environ = factory._base_environ(PATH_INFO=path, REQUEST_METHOD="GET", **headers)
    started: dict[str, Any] = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"], started["headers"] = int(status.split()[0]), dict(response_headers)

    result = handler(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return started["status"], started["headers"], body


def test_a_request_after_the_database_dropped_the_connection_succeeds(transactional_db, workspace):
    _, secret = api_key_create(workspace=workspace, name="tests")
    handler = WSGIHandler()
    status, _, _ = _wsgi_get(handler, "/api/imports/", HTTP_X_API_KEY=secret)
    assert status == 200
    assert connection.connection is not None, "the connection is kept between requests (CONN_MAX_AGE)"
    pid = connection.connection.get_backend_pid()

    params = connection.get_connection_params()
    other = psycopg2.connect(**{k: v for k, v in params.items() if k in {"dbname", "user", "host", "port", "password"}})
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone() == (True,)
    other.close()

    status, headers, body = _wsgi_get(handler, "/api/imports/", HTTP_X_API_KEY=secret)
    assert headers["Content-Type"] == "application/json"
    assert status == 200, body
    assert json.loads(body)["results"] == []
    assert connection.connection.get_backend_pid() != pid
