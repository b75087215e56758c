"""The rejected rows as the page's grid reads them: each row's text per dataset column, filters by
column and kind of message, the counts by group, pages by number, resolved rows apart."""

from __future__ import annotations

import pytest

from imports.selectors import row_error_message_kind
from tests.csv_files import isbn

pytestmark = pytest.mark.django_db

# Columns in another order than the dataset's, and one the dataset does not have.
GRID = (
    "isbn,notes,title,author,publication_year\n"
    f"{isbn(1)},n1,Good,Ann,1999\n"  # 2
    f"{isbn(2)}X,n2,Bad isbn,Bob,2000\n"  # 3: isbn
    f"{isbn(3)},n3,Bad year,Cy,19x7\n"  # 4: year
    f"9780000000000,n4,,Dee,20y1\n"  # 5: isbn check digit, no title, year
    f"{isbn(5)},n5,Ragged,Eve,2002,extra\n"  # 6: the whole row
    f"{isbn(6)}1,n6,Bad isbn 2,Fay,2003\n"  # 7: isbn
).encode()


def errors(client, job, query=""):
    response = client.get(f"/api/imports/{job.pk}/errors/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def summary(client, job, query=""):
    response = client.get(f"/api/imports/{job.pk}/errors/summary/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_each_rejected_row_comes_with_its_text_per_dataset_column_in_the_datasets_order(client, run_import):
    job = run_import(GRID)
    body = errors(client, job)
    assert [e["row_number"] for e in body["results"]] == [3, 4, 5, 6, 7]
    third = body["results"][0]
    assert third["values"] == {"title": "Bad isbn", "author": "Bob", "isbn": f"{isbn(2)}X", "publication_year": "2000"}
    assert list(third["errors"]) == ["isbn"]
    assert summary(client, job)["columns"] == ["title", "author", "isbn", "publication_year"]
    # A ragged row keeps the fields that stand where the columns are.
    ragged = body["results"][3]
    assert ragged["values"]["publication_year"] == "2002" and list(ragged["errors"]) == ["__all__"]


def test_the_summary_counts_rows_by_column_and_kind_of_message_most_rows_first(client, run_import):
    job = run_import(GRID)
    body = summary(client, job)
    assert (body["open"], body["resolved"]) == (5, 0)
    groups = [(g["column"], g["message"], g["count"]) for g in body["groups"]]
    # Most rows first; equal counts by column, then message.
    assert groups == [
        ("isbn", "… is not an ISBN: it has 14 digits, not 10 or 13", 2),
        ("publication_year", "must be a whole number, got …", 2),
        ("__all__", "expected 5 fields, got …", 1),
        ("isbn", "… has a wrong ISBN-13 check digit", 1),
        ("title", "is required", 1),
    ]


def test_rows_are_filtered_by_column_and_by_a_groups_message(client, run_import):
    job = run_import(GRID)
    by_year = errors(client, job, "?column=publication_year")
    assert [e["row_number"] for e in by_year["results"]] == [4, 5]
    assert [e["row_number"] for e in errors(client, job, "?column=__all__")["results"]] == [6]
    for group in summary(client, job)["groups"]:
        query = f"?column={group['column']}&message={group['message']}"
        listed = errors(client, job, query.replace(" ", "%20").replace("…", "%E2%80%A6").replace("+", "%2B"))
        assert listed["count"] == group["count"], group
        for row in listed["results"]:
            assert group["message"] in {row_error_message_kind(m) for m in row["errors"][group["column"]]}
    assert errors(client, job, "?column=isbn&message=nothing%20like%20it")["count"] == 0
    refused = client.get(f"/api/imports/{job.pk}/errors/?message=x")
    assert refused.status_code == 400 and "message" in refused.json()["error"]["fields"]


def test_a_filtered_list_pages_by_number_and_a_page_past_the_end_is_a_404(client, run_import):
    job = run_import(GRID)
    [year_group] = [g for g in summary(client, job)["groups"] if g["column"] == "publication_year"]
    query = "?column=publication_year&message=must%20be%20a%20whole%20number,%20got%20%E2%80%A6&page_size=1"
    first, second = errors(client, job, query), errors(client, job, query + "&page=2")
    assert year_group["count"] == first["count"] == 2
    assert [e["row_number"] for e in first["results"] + second["results"]] == [4, 5]
    assert first["next"] and not second["next"]
    assert client.get(f"/api/imports/{job.pk}/errors/{query}&page=3").status_code == 404
    assert [e["row_number"] for e in errors(client, job, "?page_size=2&page=3")["results"]] == [7]


def test_resolved_rows_leave_the_open_grid_and_its_counts_and_are_listed_apart(client, run_import):
    job = run_import(GRID)
    response = client.post(
        f"/api/imports/{job.pk}/errors/resubmit/",
        {"rows": [{"row_number": 4, "values": {"publication_year": "1997"}}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = summary(client, job)
    assert (body["open"], body["resolved"]) == (4, 1)
    year = [g for g in body["groups"] if g["column"] == "publication_year"]
    assert [g["count"] for g in year] == [1]
    assert [e["row_number"] for e in errors(client, job, "?column=publication_year")["results"]] == [5]
    resolved = errors(client, job, "?state=resolved")["results"]
    assert [(e["row_number"], e["values"]["publication_year"]) for e in resolved] == [(4, "19x7")]
    assert [g["count"] for g in summary(client, job, "?state=resolved")["groups"]] == [1]


def test_a_still_failing_row_comes_back_with_its_corrected_values_and_new_messages(client, run_import):
    job = run_import(GRID)
    response = client.post(
        f"/api/imports/{job.pk}/errors/resubmit/",
        {"rows": [{"row_number": 5, "values": {"title": "Now titled", "publication_year": "2001"}}]},
        format="json",
    )
    [still] = response.json()["still_failing"]
    assert still["values"]["title"] == "Now titled" and still["values"]["publication_year"] == "2001"
    assert list(still["errors"]) == ["isbn"]
    listed = errors(client, job, "?column=title")
    assert listed["count"] == 0


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("'978x' has a wrong ISBN-13 check digit", "… has a wrong ISBN-13 check digit"),
        ('must be a whole number, got "it\'s"', "must be a whole number, got …"),
        ("must be between 1 and 9999, got 12000", "must be between 1 and 9999, got …"),
        ("expected 4 fields, got 5", "expected 4 fields, got …"),
        ("is required", "is required"),
    ],
)
def test_a_messages_kind_is_the_message_without_the_value_it_quotes(message, kind):
    assert row_error_message_kind(message) == kind


def test_another_workspace_gets_a_404_for_the_summary(client, other_client, run_import):
    job = run_import(GRID)
    assert other_client.get(f"/api/imports/{job.pk}/errors/summary/").status_code == 404
    assert client.get(f"/api/imports/{job.pk}/errors/summary/?state=nope").status_code == 400
