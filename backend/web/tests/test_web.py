from __future__ import annotations

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_health_checks_the_database_and_the_broker(db):
    response = Client().get("/api/health/")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_health_is_503_when_the_broker_is_down(db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = Client().get("/api/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_unknown_api_paths_answer_404_in_the_error_shape(db):
    response = Client().get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_deep_links_of_the_page_load_index_html(db, settings, tmp_path):
    (tmp_path / "index.html").write_text("<div id=root></div>")
    settings.FRONTEND_DIST_DIR = tmp_path
    response = Client().get("/imports/0b6f4c0e-0000-0000-0000-000000000000")
    assert response.status_code == 200
    assert b"<div id=root>" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["/assets/index-0ld4a5h.js", "/favicon.ico", "/assets/", "/imports/report.csv"])
def test_missing_files_of_the_page_are_404_not_index_html(db, settings, tmp_path, path):
    (tmp_path / "index.html").write_text("<div id=root></div>")
    settings.FRONTEND_DIST_DIR = tmp_path
    response = Client().get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_openapi_schema_generates_and_validates_without_warnings(capsys):
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert not GENERATOR_STATS, f"schema warnings/errors: {capsys.readouterr().err}"
    paths = schema["paths"]
    for path in ("/api/imports/", "/api/imports/{job_id}/", "/api/imports/{job_id}/errors/", "/api/books/"):
        assert path in paths


def test_swagger_ui_is_served(db):
    assert Client().get("/api/docs/").status_code == 200
