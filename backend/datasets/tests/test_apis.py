from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_datasets_list_and_detail_describe_the_schema(client):
    listing = client.get("/api/datasets/").json()
    assert [d["name"] for d in listing] == [
        "books",
        "card_delivered",
        "card_delivery_exception",
        "card_pickup",
        "card_returned",
    ]
    books = client.get("/api/datasets/books/").json()
    assert (books["timezone"], books["on_conflict_default"]) == ("UTC", "error")
    pickup = client.get("/api/datasets/card_pickup/").json()
    assert pickup["key_columns"] == ["card_id", "event_type", "event_at"]
    assert (pickup["timezone"], pickup["on_conflict_default"], pickup["on_conflict_choices"]) == (
        "Asia/Dubai",
        "skip",
        ["skip", "error"],
    )
    assert books["key_columns"] == ["isbn"]
    assert [c["name"] for c in books["columns"]] == ["title", "author", "isbn", "publication_year"]
    assert [c["required"] for c in books["columns"]] == [True, True, True, False]
    assert books["columns"][0]["max_length"] == 500
    assert books["template_url"] == "/api/datasets/books/template.csv"


def test_an_unknown_dataset_is_a_404(client):
    response = client.get("/api/datasets/movies/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_template_is_a_csv_with_the_columns_and_an_example_row_and_needs_no_key(db):
    response = APIClient().get("/api/datasets/books/template.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["title", "author", "isbn", "publication_year"]
    assert len(rows) == 2


def test_the_datasets_need_a_key(db):
    assert APIClient().get("/api/datasets/").status_code == 401
