"""The schema and the behaviour agree: documented error statuses, NUL characters, strings that must
be strings, an empty status filter, pagination parameters."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import WorkspaceAPIKey
from tests.csv_files import books_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_its_errors_with_the_error_body(schema):
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"error"}
    for name, operation in operations(schema):
        responses = operation["responses"]
        assert "500" in responses, name
        for code, response in responses.items():
            if code.startswith(("4", "5")) and name != "GET /api/health/":
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, (
                    name,
                    code,
                )
        if operation.get("security") and {} not in operation["security"]:
            assert "401" in responses, name
            if name.startswith("GET"):
                assert "429" in responses, name  # reads are throttled
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, name
        if operation.get("requestBody") or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "400" in responses, name


@pytest.mark.parametrize(
    ("operation", "codes"),
    [
        ("POST /api/auth/login/", {"400", "401", "429", "500"}),
        ("POST /api/auth/register/", {"400", "429", "500"}),
        ("POST /api/auth/refresh/", {"400", "401", "429", "500"}),
        ("POST /api/auth/logout/", {"400", "401", "429", "500"}),
        ("POST /api/imports/", {"400", "401", "413", "429", "500"}),
        ("POST /api/imports/{job_id}/cancel/", {"401", "404", "409", "500"}),
        ("GET /api/imports/", {"400", "401", "404", "429", "500"}),
        ("DELETE /api/keys/{key_id}/", {"401", "404", "500"}),
    ],
)
def test_operations_document_the_error_statuses_they_answer(schema, operation, codes):
    responses = dict(operations(schema))[operation]["responses"]
    assert {code for code in responses if code[0] in "45"} == codes


def _property(schema, component, name):
    return schema["components"]["schemas"][component]["properties"][name]


def test_the_schema_says_nul_characters_are_refused(schema):
    for component, field in (("ApiKeyCreateInputRequest", "name"), ("ImportJobCreateInputRequest", "dataset")):
        assert _property(schema, component, field)["pattern"] == "^[^\\u0000]*$"


def test_a_nul_character_in_a_key_name_is_refused_naming_the_field(client):
    response = client.post("/api/keys/", {"name": "ci\x00"}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]
    assert not WorkspaceAPIKey.objects.filter(name__startswith="ci").exists()


def test_a_nul_character_in_the_dataset_of_an_upload_is_refused_naming_the_field(upload):
    response = upload(books_csv(1), dataset="books\x00")
    assert response.status_code == 400
    assert "dataset" in response.json()["error"]["fields"]


@pytest.mark.parametrize("name", [42, 4.5, True, ["ci"], {"a": "b"}])
def test_a_key_name_that_is_not_a_string_is_refused(client, name):
    response = client.post("/api/keys/", {"name": name}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["name"] == ["Not a valid string."]


def test_an_empty_status_filter_means_every_status_as_documented(client, make_job, schema):
    make_job(books_csv(1))
    response = client.get("/api/imports/?status=&dataset=")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    parameters = {p["name"]: p for p in dict(operations(schema))["GET /api/imports/"]["parameters"]}
    assert "" in parameters["status"]["schema"]["enum"]
    assert client.get("/api/imports/?status=done").status_code == 400


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("page=abc", 400, "page"),
        ("page=0", 400, "page"),
        ("page=&page=", 400, "page"),
        ("page=²", 400, "page"),
        ("page_size=0", 400, "page_size"),
        ("page_size=501", 400, "page_size"),
        ("page_size=x", 400, "page_size"),
        ("page=2", 404, None),
    ],
)
def test_pagination_parameters_are_checked_as_documented(client, query, status, field):
    response = client.get(f"/api/imports/?{query}")
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["error"]["fields"]


def test_valid_pagination_parameters_page_the_list(client, make_job, schema):
    for _ in range(3):
        make_job(books_csv(1))
    body = client.get("/api/imports/?page=2&page_size=2").json()
    assert (body["count"], len(body["results"])) == (3, 1)
    parameters = {p["name"]: p["schema"] for p in dict(operations(schema))["GET /api/imports/"]["parameters"]}
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 500}
    assert APIClient().get("/api/imports/?page=abc").status_code == 401
