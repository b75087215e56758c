"""manage.py ingest_feeds: the four feeds from a folder, a summary per feed, files taken once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from cards.models import CardStatus
from feeds.services import feed_source_save
from tests.card_feeds import EXPECTED

pytestmark = pytest.mark.django_db


def ingest(*args: str) -> str:
    out = io.StringIO()
    call_command("ingest_feeds", *args, stdout=out)
    return out.getvalue()


def test_a_folder_with_the_four_feeds_is_imported_with_a_summary_per_feed(workspace, partner_folder):
    output = ingest("--workspace", "acme", "--folder", str(partner_folder))
    assert "card_pickup: 1 file(s) imported, 0 already imported, 0 refused" in output
    assert "card_pickup-2023-11-16.csv: completed, 4 rows, 4 created, 0 skipped, 0 failed" in output
    assert "card_returned: 1 file(s) imported" in output
    assert {s.card_id: s.status for s in CardStatus.objects.all()} == {k: v[0] for k, v in EXPECTED.items()}

    again = ingest("--workspace", "acme", "--folder", str(partner_folder))
    assert "card_pickup: 0 file(s) imported, 1 already imported" in again
    assert "card_pickup-2023-11-16.csv: skipped, already imported by job" in again


def test_without_a_folder_the_configured_sources_are_read(workspace, partner_folder):
    feed_source_save(workspace=workspace, dataset="card_delivered", folder="partner/card_delivered")
    output = ingest("--workspace", "acme")
    assert output.startswith("card_delivered: 1 file(s) imported")
    assert "card_pickup" not in output


def test_a_refused_file_is_named_and_the_command_fails(workspace, partner_folder):
    (partner_folder / "card_returned" / "bad.csv").write_bytes(b"Something,Else\n1,2\n")
    with pytest.raises(CommandError):
        ingest("--workspace", "acme", "--folder", str(partner_folder), "--feed", "card_returned")
    assert CardStatus.objects.filter(card_id="C-3").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--workspace", "nobody"], "No workspace"),
        (["--workspace", "acme", "--feed", "movies"], "Unknown feed"),
        (["--workspace", "acme"], "No feed to read"),
    ],
)
def test_bad_arguments_say_what_is_wrong(workspace, feeds_root, args, says):
    with pytest.raises(CommandError, match=says):
        ingest(*args)
