"""Feed sources: folders under the root only, new files imported once, bad files named."""

from __future__ import annotations

import pytest

from cards.models import CardStatus
from config.errors import ApplicationError
from feeds.models import FeedSource
from feeds.services import feed_refresh, feed_source_save, feeds_poll
from imports.models import ImportJob
from imports.services import import_job_process
from tests.card_feeds import EXPECTED

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("folder", ["..", "../elsewhere", "/etc", "partner/../../x", "missing"])
def test_a_folder_outside_the_root_or_missing_is_refused(workspace, partner_folder, folder):
    with pytest.raises(ApplicationError) as raised:
        feed_source_save(workspace=workspace, dataset="card_pickup", folder=folder)
    assert "folder" in raised.value.fields


def test_a_link_out_of_the_root_is_refused(workspace, feeds_root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (feeds_root / "sneaky").symlink_to(outside)
    with pytest.raises(ApplicationError):
        feed_source_save(workspace=workspace, dataset="card_pickup", folder="sneaky")


def test_an_absolute_folder_inside_the_root_is_stored_relative(workspace, partner_folder):
    source = feed_source_save(workspace=workspace, dataset="card_pickup", folder=str(partner_folder / "card_pickup"))
    assert source.folder == "partner/card_pickup"


def test_a_refresh_imports_new_files_once(workspace, partner_folder):
    feed_source_save(workspace=workspace, dataset="card_pickup", folder="partner/card_pickup")
    first = feed_refresh(workspace=workspace, dataset="card_pickup", enqueue=False)
    assert [j.original_filename for j in first.jobs] == ["card_pickup-2023-11-16.csv"]
    assert first.jobs[0].sha256
    again = feed_refresh(workspace=workspace, dataset="card_pickup", enqueue=False)
    assert again.jobs == []
    assert [(s.filename, s.job_id) for s in again.skipped] == [("card_pickup-2023-11-16.csv", str(first.jobs[0].pk))]
    assert FeedSource.objects.get().last_refreshed_at is not None


def test_a_file_whose_import_failed_is_tried_again(workspace, partner_folder):
    feed_source_save(workspace=workspace, dataset="card_pickup", folder="partner/card_pickup")
    job = feed_refresh(workspace=workspace, dataset="card_pickup", enqueue=False).jobs[0]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED)
    assert len(feed_refresh(workspace=workspace, dataset="card_pickup", enqueue=False).jobs) == 1


def test_a_file_the_upload_checks_refuse_is_named_and_the_others_still_come(workspace, partner_folder):
    (partner_folder / "card_pickup" / "0-broken.csv").write_bytes(b"Name,Other\nx,y\n")
    feed_source_save(workspace=workspace, dataset="card_pickup", folder="partner/card_pickup")
    refresh = feed_refresh(workspace=workspace, dataset="card_pickup", enqueue=False)
    assert [r.filename for r in refresh.refused] == ["0-broken.csv"]
    assert "Required columns are missing" in refresh.refused[0].message
    assert len(refresh.jobs) == 1


def test_a_feed_without_a_source_is_a_conflict(workspace, feeds_root):
    with pytest.raises(ApplicationError) as raised:
        feed_refresh(workspace=workspace, dataset="card_pickup")
    assert raised.value.status_code == 409


def test_polling_refreshes_every_enabled_source(workspace, partner_folder):
    for name in ("card_pickup", "card_delivery_exception", "card_delivered", "card_returned"):
        feed_source_save(workspace=workspace, dataset=name, folder=f"partner/{name}")
    FeedSource.objects.filter(dataset="card_returned").update(enabled=False)
    done = feeds_poll()
    assert sorted(r.dataset for r in done) == ["card_delivered", "card_delivery_exception", "card_pickup"]
    for job in ImportJob.objects.all():
        import_job_process(job_id=job.pk)
    assert CardStatus.objects.get(card_id="C-1").status == EXPECTED["C-1"][0]
