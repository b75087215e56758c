"""The feed sources API and POST /api/feeds/<feed>/refresh/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_source_is_configured_listed_and_removed(client, partner_folder):
    response = client.put("/api/feeds/card_pickup/", {"folder": "partner/card_pickup"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["folder"] == "partner/card_pickup"
    assert [s["feed"] for s in client.get("/api/feeds/").json()] == ["card_pickup"]
    assert client.delete("/api/feeds/card_pickup/").status_code == 204
    assert client.get("/api/feeds/card_pickup/").status_code == 404


def test_a_folder_outside_the_root_is_a_400_naming_the_folder(client, partner_folder):
    response = client.put("/api/feeds/card_pickup/", {"folder": "../../etc"}, format="json")
    assert response.status_code == 400
    assert "folder" in response.json()["error"]["fields"]


def test_an_unknown_feed_is_a_404(client, partner_folder):
    assert client.put("/api/feeds/movies/", {"folder": "partner"}, format="json").status_code == 404
    assert client.post("/api/feeds/movies/refresh/").status_code == 404


def test_refresh_answers_202_with_the_queued_job_then_skips_the_same_file(client, partner_folder, celery_worker):
    client.put("/api/feeds/card_pickup/", {"folder": "partner/card_pickup"}, format="json")
    response = client.post("/api/feeds/card_pickup/refresh/")
    assert response.status_code == 202
    body = response.json()
    assert [j["filename"] for j in body["jobs"]] == ["card_pickup-2023-11-16.csv"]
    assert body["jobs"][0]["dataset"] == "card_pickup"
    again = client.post("/api/feeds/card_pickup/refresh/").json()
    assert again["jobs"] == []
    assert again["skipped"][0]["job_id"] == body["jobs"][0]["id"]


def test_refresh_without_a_source_is_a_409(client, partner_folder):
    response = client.post("/api/feeds/card_pickup/refresh/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_source"


def test_sources_of_another_workspace_are_not_visible(client, other_client, partner_folder):
    client.put("/api/feeds/card_pickup/", {"folder": "partner/card_pickup"}, format="json")
    assert other_client.get("/api/feeds/").json() == []
    assert other_client.post("/api/feeds/card_pickup/refresh/").status_code == 409
