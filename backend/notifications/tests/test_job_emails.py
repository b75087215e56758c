"""E-mail when a job ends, sent through a real SMTP server on localhost (aiosmtpd)."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.services import api_key_create
from imports.models import ImportJob
from imports.origin import StartedBy
from imports.services import import_job_cancel, import_job_fail, import_job_process
from notifications import tasks
from notifications.models import JobEmail, UserNotificationSettings
from notifications.services import job_email_send, job_finished_notify, workspace_notification_settings_update
from notifications.tests.conftest import free_port
from notifications.tests.helpers import job_for, jwt_client, member, wait_for
from tests.csv_files import books_csv

BAD_ROWS = b"title,author,isbn,publication_year\nGood,A,9780306406157,2001\nBad,B,123,2001\n,C,9780140449136,x\n"


def finish_and_send(job: ImportJob) -> list[JobEmail]:
    job_finished_notify(job_id=job.pk)
    emails = list(JobEmail.objects.filter(job=job))
    for email in emails:
        job_email_send(email_id=email.pk)
    return emails


@pytest.mark.django_db
def test_the_mail_has_file_dataset_status_counters_duration_rejected_rows_and_the_job_link(smtp, workspace):
    user = member(workspace)
    job = job_for(workspace, BAD_ROWS, started_by=StartedBy.user(user_id=user.pk, email=user.email), name="list.csv")
    job = import_job_process(job_id=job.pk)
    assert job.status == "completed"
    [email] = finish_and_send(job)

    [received] = smtp.received
    assert received.rcpt_tos == ["ana@example.com"]
    message = received.message
    assert message["Subject"] == "[Intake] list.csv into books completed: 1 rows stored, 2 rejected"
    assert message["X-Intake-Job"] == str(job.pk)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "list.csv" in body and "books" in body and "completed" in body
        assert f"https://intake.example.com/imports/{job.pk}" in body
        assert "Duration" in body
        assert "row 3" in text or ">3<" in body
    assert "Created: 1" in text and "Rejected: 2" in text
    assert "row 3: isbn:" in text
    assert "row 4: title:" in text
    assert "https://intake.example.com/settings" in text
    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at is not None) == ("sent", 1, True)


@pytest.mark.django_db
def test_a_failed_job_says_why_and_a_cancelled_one_says_so(smtp, workspace):
    user = member(workspace)
    started = StartedBy.user(user_id=user.pk, email=user.email)
    failed = job_for(workspace, books_csv(2), started_by=started)
    import_job_fail(job_id=failed.pk, reason="decode_error", message="Byte 0xff at 12 is not UTF-8.")
    cancelled = job_for(workspace, books_csv(2), started_by=started, name="other.csv")
    import_job_cancel(job=cancelled)
    finish_and_send(ImportJob.objects.get(pk=failed.pk))
    finish_and_send(ImportJob.objects.get(pk=cancelled.pk))
    subjects = [r.message["Subject"] for r in smtp.received]
    assert subjects == [
        "[Intake] books.csv into books failed (decode_error)",
        "[Intake] other.csv into books was cancelled",
    ]
    assert "Byte 0xff at 12 is not UTF-8." in smtp.received[0].message.get_body(("plain",)).get_content()


@pytest.mark.django_db
def test_a_client_file_name_cannot_add_mail_headers(smtp, workspace):
    user = member(workspace)
    started = StartedBy.user(user_id=user.pk, email=user.email)
    job = job_for(workspace, books_csv(1), started_by=started, name="a\r\nBcc: x@evil.test.csv")
    import_job_cancel(job=job)
    finish_and_send(ImportJob.objects.get(pk=job.pk))
    [received] = smtp.received
    assert received.rcpt_tos == ["ana@example.com"]
    assert received.message["Bcc"] is None


@pytest.mark.django_db
def test_a_user_who_turned_mails_off_gets_none_and_failures_only_skips_completed_jobs(smtp, workspace):
    user = member(workspace)
    started = StartedBy.user(user_id=user.pk, email=user.email)
    UserNotificationSettings.objects.create(user_id=user.pk, import_emails="off")
    job = import_job_process(job_id=job_for(workspace, books_csv(1), started_by=started).pk)
    assert finish_and_send(job) == []

    UserNotificationSettings.objects.filter(user_id=user.pk).update(import_emails="failures")
    ok = import_job_process(job_id=job_for(workspace, books_csv(1, start=10), started_by=started).pk)
    assert finish_and_send(ok) == []
    broken = job_for(workspace, books_csv(1, start=20), started_by=started)
    import_job_fail(job_id=broken.pk, reason="internal_error", message="boom")
    assert len(finish_and_send(ImportJob.objects.get(pk=broken.pk))) == 1
    assert [r.message["Subject"] for r in smtp.received] == ["[Intake] books.csv into books failed (internal_error)"]


@pytest.mark.django_db
def test_jobs_of_api_keys_feeds_and_the_command_line_mail_the_workspace_addresses(smtp, workspace):
    key, _ = api_key_create(workspace=workspace, name="nightly")
    origins = [StartedBy.api_key(key=key), StartedBy.feed(dataset="books", folder="drop"), StartedBy.command_line()]
    # None set: nobody is mailed.
    job = import_job_process(job_id=job_for(workspace, books_csv(1), started_by=origins[0]).pk)
    assert finish_and_send(job) == []

    workspace_notification_settings_update(workspace=workspace, email_addresses=["ops@acme.test", "data@acme.test"])
    for n, origin in enumerate(origins):
        job = import_job_process(job_id=job_for(workspace, books_csv(1, start=100 + n), started_by=origin).pk)
        finish_and_send(job)
    assert [sorted(r.rcpt_tos) for r in smtp.received] == [["data@acme.test", "ops@acme.test"]] * 3


@pytest.mark.django_db
def test_a_task_delivered_twice_mails_once(smtp, workspace):
    user = member(workspace)
    job = import_job_process(
        job_id=job_for(workspace, books_csv(1), started_by=StartedBy.user(user_id=user.pk, email=user.email)).pk
    )
    [email] = finish_and_send(job)
    job_email_send(email_id=email.pk)
    assert len(smtp.received) == 1


def test_a_finished_upload_mails_its_user_through_the_worker(smtp, celery_worker, workspace):
    user = member(workspace)
    client = jwt_client(user)
    file = SimpleUploadedFile("books.csv", books_csv(3), content_type="text/csv")
    response = client.post("/api/imports/", {"dataset": "books", "file": file}, format="multipart")
    assert response.status_code == 201, response.content
    wait_for(lambda: smtp.received, what="the mail")
    [received] = smtp.received
    assert received.rcpt_tos == [user.email]
    assert "completed: 3 rows stored, 0 rejected" in received.message["Subject"]
    wait_for(lambda: JobEmail.objects.get().status == "sent", what="the e-mail marked sent")


def test_a_refusing_mail_server_is_retried_with_backoff_until_the_mail_arrives_once(
    smtp, celery_worker, workspace, monkeypatch
):
    monkeypatch.setattr(tasks, "EMAIL_RETRY_BASE_SECONDS", 0.2)
    smtp.handler.refuse_next = 2
    user = member(workspace)
    job = job_for(workspace, books_csv(2), started_by=StartedBy.user(user_id=user.pk, email=user.email))
    import_job_process(job_id=job.pk)
    wait_for(lambda: smtp.received, what="the mail after two refusals")
    email = wait_for(lambda: JobEmail.objects.filter(status="sent").first(), what="the e-mail marked sent")
    time.sleep(0.5)
    assert smtp.handler.refused == 2
    assert len(smtp.received) == 1
    assert (email.status, email.attempts) == ("sent", 3)


def test_a_mail_server_that_is_down_neither_fails_nor_delays_the_import(smtp, celery_worker, workspace, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    user = member(workspace)
    job = job_for(workspace, books_csv(50), started_by=StartedBy.user(user_id=user.pk, email=user.email))
    started = time.monotonic()
    job = import_job_process(job_id=job.pk)
    assert time.monotonic() - started < 5
    assert job.status == "completed" and job.created_rows == 50
    email = wait_for(lambda: JobEmail.objects.filter(attempts__gte=1).first(), what="a first attempt")
    assert email.status == "pending"
    assert "Connection refused" in email.last_error or "Errno" in email.last_error
