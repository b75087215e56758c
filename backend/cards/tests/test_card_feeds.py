"""The four partner feeds through the real pipeline: events, statuses, re-runs and bad rows."""

from __future__ import annotations

import itertools

import pytest

from cards.models import CardEvent, CardStatus
from imports.models import ImportJob, ImportRowError
from tests.card_feeds import EXPECTED, FEEDS
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["reader process", "serial"])
def reader_mode(request, settings):
    settings.IMPORT_READER_PROCESS = request.param == "reader process"
    return request.param


def statuses(workspace) -> dict[str, tuple]:
    return {
        s.card_id: (s.status, s.status_at, s.mobile, s.anomaly, s.anomaly_reason, s.events_count)
        for s in CardStatus.objects.filter(workspace=workspace)
    }


def import_all(run_import, workspace, order=tuple(FEEDS)) -> list[ImportJob]:
    return [run_import(FEEDS[name], dataset=name, name=f"{name}.csv", target=workspace) for name in order]


def test_the_four_feeds_give_one_status_per_card(run_import, workspace):
    jobs = import_all(run_import, workspace)
    assert [(j.status, j.created_rows, j.failed_rows) for j in jobs] == [
        ("completed", 4, 0),
        ("completed", 4, 0),
        ("completed", 2, 0),
        ("completed", 2, 0),
    ]
    assert statuses(workspace) == EXPECTED
    pickup = CardEvent.objects.get(workspace=workspace, card_id="C-2", event_type="pickup")
    # 12-11-2023 11:59 PM in Dubai; the quotes inside the cell are not part of the number.
    assert (pickup.mobile, pickup.event_at.isoformat()) == ("+971585949014", "2023-11-12T19:59:00+00:00")
    assert (pickup.source_job_id, pickup.source_row_number, pickup.partner_row_id) == (jobs[0].pk, 3, "2")
    reasons = CardEvent.objects.filter(card_id="C-1", event_type="delivery_exception").order_by("event_at")
    assert [e.reason for e in reasons] == ["User not available", "Address not found"]


@pytest.mark.parametrize("order", list(itertools.permutations(FEEDS)), ids="-".join)
def test_every_order_of_the_feeds_in_batches_of_one_gives_the_same_statuses(run_import, settings, order):
    settings.IMPORT_BATCH_SIZE = 1
    workspace = WorkspaceFactory()
    import_all(run_import, workspace, order)
    assert statuses(workspace) == EXPECTED


def test_importing_the_same_files_again_changes_nothing(run_import, workspace):
    import_all(run_import, workspace)
    before = statuses(workspace)
    written = dict(CardStatus.objects.values_list("card_id", "updated_at"))
    again = import_all(run_import, workspace)
    assert [(j.created_rows, j.skipped_rows, j.failed_rows) for j in again] == [
        (0, 4, 0),
        (0, 4, 0),
        (0, 2, 0),
        (0, 2, 0),
    ]
    assert CardEvent.objects.filter(workspace=workspace).count() == 12
    assert statuses(workspace) == before
    assert dict(CardStatus.objects.values_list("card_id", "updated_at")) == written


def test_a_row_repeated_identically_in_a_file_is_skipped_and_a_conflicting_one_rejected(run_import, workspace):
    content = (
        b"ID,Card ID,User Mobile,Timestamp\n"
        b"1,C-9,0585949014,13-11-2023 14:00\n"
        b"1,C-9,0585949014,13-11-2023 14:00\n"  # the same row again
        b"2,C-9,0501234567,13-11-2023 14:00\n"  # the same event with another mobile
    )
    job = run_import(content, dataset="card_pickup")
    assert (job.created_rows, job.skipped_rows, job.failed_rows) == (1, 1, 1)
    error = ImportRowError.objects.get(job=job)
    assert (error.row_number, error.errors) == (
        4,
        {"card_id": ["duplicate card_id/event_at in this file (first at row 2)"]},
    )


def test_identical_repeats_across_batches_are_skipped_too(run_import, workspace, settings):
    settings.IMPORT_BATCH_SIZE = 1
    content = (
        b"ID,Card ID,User Mobile,Timestamp\n1,C-9,0585949014,13-11-2023 14:00\n1,C-9,0585949014,13-11-2023 14:00\n"
    )
    job = run_import(content, dataset="card_pickup")
    assert (job.created_rows, job.skipped_rows, job.failed_rows) == (1, 1, 0)


def test_bad_cells_are_row_errors_naming_their_column_and_nothing_of_the_row_is_stored(run_import, workspace):
    content = (
        b"ID,Card ID,User Mobile,Timestamp\n"
        b"1,C-1,0585949014,31-02-2023 10:00\n"  # no such day
        b"2,C-2,12,13-11-2023 10:00\n"  # not a possible number
        b"3,,0585949014,13-11-2023 10:00\n"  # no card id
        b"4,C-4,0585949014,yesterday\n"
        b"5,C-5,0585949014,13-11-2023 10:00\n"
    )
    job = run_import(content, dataset="card_pickup")
    assert (job.created_rows, job.failed_rows) == (1, 4)
    errors = {e.row_number: e.errors for e in ImportRowError.objects.filter(job=job)}
    assert list(errors[2]) == ["event_at"] and "'31-02-2023 10:00'" in errors[2]["event_at"][0]
    assert errors[3] == {"mobile": ["is not a possible phone number: '12'"]}
    assert errors[4] == {"card_id": ["is required"]}
    assert "'yesterday'" in errors[5]["event_at"][0]
    assert list(CardStatus.objects.values_list("card_id", flat=True)) == ["C-5"]


def test_a_timezone_option_changes_how_times_without_a_zone_are_read(run_import, workspace):
    content = (
        b"ID,Card ID,User Mobile,Timestamp\n1,C-1,0585949014,13-11-2023 14:00\n2,C-2,0585949014,2023-11-13T14:00Z\n"
    )
    job = run_import(content, dataset="card_pickup", timezone="Europe/London")
    assert job.timezone == "Europe/London"
    times = dict(CardEvent.objects.values_list("card_id", "event_at"))
    assert times["C-1"].isoformat() == "2023-11-13T14:00:00+00:00"
    assert times["C-2"].isoformat() == "2023-11-13T14:00:00+00:00"


def test_several_feeds_share_one_table_without_mixing_their_rows(run_import, workspace, client):
    import_all(run_import, workspace)
    assert CardEvent.objects.filter(workspace=workspace, event_type="delivered").count() == 2
    listing = client.get("/api/datasets/card_delivered/records/").json()
    assert listing["count"] == 2
    assert {r["values"]["card_id"] for r in listing["results"]} == {"C-1", "C-2"}
    assert set(listing["results"][0]["values"]) == {"partner_row_id", "card_id", "mobile", "event_at", "reason"}
