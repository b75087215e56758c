"""GET /api/cards/status/ and its legacy twin /api/get-card-status/."""

from __future__ import annotations

import pytest

from tests.card_feeds import FEEDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def feeds_imported(run_import, workspace):
    for name, content in FEEDS.items():
        run_import(content, dataset=name, name=f"{name}.csv")


def test_a_card_is_found_by_its_id_with_its_status(client, feeds_imported):
    response = client.get("/api/cards/status/", {"card_id": "C-2"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    card = body["results"][0]
    assert card == {
        **card,
        "card_id": "C-2",
        "status": "delivered",
        "status_at": "2023-11-13T09:34:00Z",
        "mobile": "+971585949014",
        "anomaly": True,
        "anomaly_reason": "delivery_exception after delivered",
        "events_count": 3,
        "events": None,
    }


def test_history_lists_the_events_in_time_order_with_where_they_came_from(client, feeds_imported):
    card = client.get("/api/cards/status/", {"card_id": "C-1", "history": "true"}).json()["results"][0]
    assert [(e["event_type"], e["event_at"]) for e in card["events"]] == [
        ("pickup", "2023-11-12T08:00:00Z"),
        ("delivery_exception", "2023-11-13T10:00:00Z"),
        ("delivery_exception", "2023-11-14T08:00:00Z"),
        ("delivered", "2023-11-15T06:00:00Z"),
    ]
    first = card["events"][1]
    assert (first["reason"], first["dataset"], first["row_number"]) == (
        "User not available",
        "card_delivery_exception",
        2,
    )
    assert first["job_id"]


@pytest.mark.parametrize("mobile", ["585949014", "0585949014", '"0585949014"', "+971 58 594 9014", "971585949014  "])
def test_every_usual_form_of_a_mobile_finds_all_its_cards(client, feeds_imported, mobile):
    body = client.get("/api/cards/status/", {"user_mobile": mobile}).json()
    assert [c["card_id"] for c in body["results"]] == ["C-1", "C-2", "C-4"]


@pytest.mark.parametrize("path", ["/api/cards/status/", "/api/get-card-status/"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "card_id"),
        ({"card_id": "C-1", "user_mobile": "0585949014"}, "user_mobile"),
        ({"user_mobile": "12"}, "user_mobile"),
    ],
)
def test_anything_but_exactly_one_valid_parameter_is_a_400_naming_it(client, feeds_imported, path, params, field):
    response = client.get(path, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("params", [{"card_id": "C-404"}, {"user_mobile": "0501111111"}])
def test_no_card_is_a_404(client, feeds_imported, params):
    response = client.get("/api/cards/status/", params)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_legacy_path_answers_the_same(client, feeds_imported):
    params = {"user_mobile": "0585949014", "history": "true"}
    assert client.get("/api/get-card-status/", params).json() == client.get("/api/cards/status/", params).json()


def test_another_workspace_sees_none_of_these_cards(other_client, feeds_imported):
    assert other_client.get("/api/cards/status/", {"card_id": "C-1"}).status_code == 404


def test_the_lookup_needs_a_key(feeds_imported):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/cards/status/", {"card_id": "C-1"}).status_code == 401
