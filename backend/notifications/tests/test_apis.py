"""The notification settings API: a person's e-mails, the workspace's addresses."""

from __future__ import annotations

import pytest

from notifications.models import UserNotificationSettings
from notifications.tests.helpers import jwt_client, member

pytestmark = pytest.mark.django_db


def test_a_person_reads_and_changes_their_import_emails(workspace):
    client = jwt_client(member(workspace))
    assert client.get("/api/notifications/me/").json() == {"import_emails": "all"}
    response = client.put("/api/notifications/me/", {"import_emails": "failures"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"import_emails": "failures"}
    assert UserNotificationSettings.objects.get().import_emails == "failures"
    assert client.get("/api/notifications/me/").json() == {"import_emails": "failures"}


def test_an_unknown_choice_is_a_400_naming_the_field(workspace):
    client = jwt_client(member(workspace))
    response = client.put("/api/notifications/me/", {"import_emails": "sometimes"}, format="json")
    assert response.status_code == 400
    assert "import_emails" in response.json()["error"]["fields"]


def test_an_api_key_has_no_personal_settings(client):
    response = client.get("/api/notifications/me/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "user_only"


def test_workspace_addresses_are_cleaned_and_checked(client):
    assert client.get("/api/notifications/workspace/").json() == {"email_addresses": []}
    response = client.put(
        "/api/notifications/workspace/",
        {"email_addresses": [" ops@acme.test ", "", "OPS@acme.test", "data@acme.test"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"email_addresses": ["ops@acme.test", "data@acme.test"]}
    bad = client.put("/api/notifications/workspace/", {"email_addresses": ["ops@acme.test", "nope"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"email_addresses": ["'nope' is not an e-mail address."]}
    kept = client.get("/api/notifications/workspace/").json()
    assert kept == {"email_addresses": ["ops@acme.test", "data@acme.test"]}


def test_each_workspace_has_its_own_addresses(client, other_client):
    client.put("/api/notifications/workspace/", {"email_addresses": ["ops@acme.test"]}, format="json")
    assert other_client.get("/api/notifications/workspace/").json() == {"email_addresses": []}
