"""Sign-up, sign-in, tokens, and API keys over HTTP."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import Workspace, WorkspaceAPIKey

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def register(client: APIClient, email: str = "ada@example.com", password: str = PASSWORD, confirm: str | None = None):
    return client.post(
        "/api/auth/register/",
        {"email": email, "password": password, "confirm_password": confirm if confirm is not None else password},
        format="json",
    )


def test_register_creates_the_user_and_their_workspace_and_returns_tokens():
    response = register(APIClient())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["workspace"]["slug"] == "ada"
    assert body["access"] and body["refresh"]
    assert Workspace.objects.get(slug="ada").memberships.get().user.email == "ada@example.com"


def test_register_refuses_a_weak_password_naming_the_field():
    response = register(APIClient(), password="12345678")
    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]
    assert get_user_model().objects.count() == 0


def test_register_refuses_mismatched_passwords_naming_the_field():
    response = register(APIClient(), confirm="something else entirely")
    assert response.status_code == 400
    assert "confirm_password" in response.json()["error"]["fields"]


def test_register_refuses_an_email_already_used():
    register(APIClient())
    response = register(APIClient(), email="ADA@example.com")
    assert response.status_code == 400
    assert "email" in response.json()["error"]["fields"]


def test_two_people_with_the_same_local_part_get_distinct_workspaces():
    register(APIClient(), email="sam@one.example")
    body = register(APIClient(), email="sam@two.example").json()
    assert body["workspace"]["slug"] == "sam-2"


def test_login_returns_tokens_that_open_the_api_and_refresh_works():
    register(APIClient())
    client = APIClient()
    tokens = client.post("/api/auth/login/", {"email": "Ada@Example.com", "password": PASSWORD}, format="json").json()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = client.get("/api/auth/me/").json()
    assert me == {"user": {"id": me["user"]["id"], "email": "ada@example.com"}, "workspace": me["workspace"]}
    assert me["workspace"]["slug"] == "ada"
    assert client.get("/api/imports/").status_code == 200
    refreshed = APIClient().post("/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200
    assert refreshed.json()["access"]


def test_login_with_a_wrong_password_is_401_with_the_error_shape():
    register(APIClient())
    response = APIClient().post("/api/auth/login/", {"email": "ada@example.com", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_a_bad_bearer_token_is_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/auth/me/")
    assert response.status_code == 401
    assert "error" in response.json()


def test_jwt_and_api_key_resolve_to_the_same_workspace():
    body = register(APIClient()).json()
    jwt = APIClient()
    jwt.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    created = jwt.post("/api/keys/", {"name": "ci"}, format="json")
    assert created.status_code == 201
    key = created.json()
    assert key["key"].startswith(key["prefix"] + ".")
    by_key = APIClient()
    by_key.credentials(HTTP_X_API_KEY=key["key"])
    assert by_key.get("/api/auth/me/").json()["workspace"] == body["workspace"]


def test_keys_are_listed_without_their_secret_and_revoked_keys_stop_working(client, workspace):
    created = client.post("/api/keys/", {"name": "partner"}, format="json").json()
    listing = client.get("/api/keys/").json()
    assert {k["name"] for k in listing["results"]} == {"tests", "partner"}
    assert all("key" not in k for k in listing["results"])
    partner = APIClient()
    partner.credentials(HTTP_X_API_KEY=created["key"])
    assert partner.get("/api/imports/").status_code == 200
    assert WorkspaceAPIKey.objects.get(pk=created["id"]).last_used_at is not None

    assert client.delete(f"/api/keys/{created['id']}/").status_code == 204
    response = partner.get("/api/imports/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_key_of_another_workspace_cannot_be_revoked(client, other_client):
    other_key = other_client.post("/api/keys/", {"name": "theirs"}, format="json").json()
    assert client.delete(f"/api/keys/{other_key['id']}/").status_code == 404
    assert WorkspaceAPIKey.objects.get(pk=other_key["id"]).revoked is False


def test_a_key_needs_a_name(client):
    response = client.post("/api/keys/", {"name": ""}, format="json")
    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]


def test_create_api_key_command_prints_the_key_last_and_stores_only_a_hash(capsys):
    call_command("create_api_key", workspace="acme", name="ci")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    stored = WorkspaceAPIKey.objects.get(name="ci")
    assert stored.workspace.slug == "acme"
    assert secret not in stored.hashed_key
    assert stored.is_valid(secret)
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=secret)
    assert client.get("/api/imports/").status_code == 200


def sign_in() -> dict:
    credentials = {"email": "ada@example.com", "password": PASSWORD}
    return APIClient().post("/api/auth/login/", credentials, format="json").json()


def signed_in() -> dict:
    register(APIClient())
    return sign_in()


def refresh(token: str):
    return APIClient().post("/api/auth/refresh/", {"refresh": token}, format="json")


def logout(token: str):
    return APIClient().post("/api/auth/logout/", {"refresh": token}, format="json")


def test_a_refresh_token_cannot_be_used_again_after_it_was_rotated():
    tokens = signed_in()
    rotated = refresh(tokens["refresh"])
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != tokens["refresh"]
    reused = refresh(tokens["refresh"])
    assert reused.status_code == 401
    assert reused.json()["error"]["code"] == "token_not_valid"
    assert refresh(rotated.json()["refresh"]).status_code == 200


def test_logout_revokes_the_refresh_token_and_a_second_logout_is_harmless():
    tokens = signed_in()
    assert logout(tokens["refresh"]).status_code == 204
    response = refresh(tokens["refresh"])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
    assert logout(tokens["refresh"]).status_code == 204


def test_logout_leaves_other_sessions_of_the_same_person_signed_in():
    first, second = signed_in(), sign_in()
    assert logout(first["refresh"]).status_code == 204
    assert refresh(second["refresh"]).status_code == 200


@pytest.mark.parametrize("token", ["not-a-token", "access"])
def test_logout_refuses_what_is_not_a_refresh_token_naming_the_field(token):
    tokens = signed_in()
    response = logout(tokens["access"] if token == "access" else token)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "token_not_valid"
    assert "refresh" in error["fields"]
    assert refresh(tokens["refresh"]).status_code == 200


def test_a_key_is_identified_by_its_public_prefix_never_by_the_hash_of_its_secret(client):
    created = client.post("/api/keys/", {"name": "partner"}, format="json").json()
    stored = WorkspaceAPIKey.objects.get(name="partner")
    assert created["id"] == created["prefix"] == stored.pk == stored.prefix
    listing = client.get("/api/keys/").json()["results"]
    for key in listing:
        assert key["id"] == key["prefix"]
    body = str(listing) + str(created)
    assert stored.hashed_key not in body
    assert client.delete(f"/api/keys/{created['id']}/").status_code == 204
    assert WorkspaceAPIKey.objects.get(prefix=created["prefix"]).revoked is True


def test_the_migration_turns_stored_ids_into_prefixes(workspace):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0002_api_key_id_is_the_prefix")
    key, secret = WorkspaceAPIKey.objects.create_key(name="old", workspace=workspace)
    WorkspaceAPIKey.objects.filter(pk=key.pk).update(id=f"{key.prefix}.{key.hashed_key}")
    migration.ids_to_prefixes(apps, None)
    migrated = WorkspaceAPIKey.objects.get(prefix=key.prefix)
    assert migrated.pk == key.prefix
    assert WorkspaceAPIKey.objects.get_from_key(secret) == migrated
