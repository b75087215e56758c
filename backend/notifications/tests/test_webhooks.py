"""Webhooks to a real HTTP receiver on localhost, signed per Standard Webhooks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from imports.models import ImportJob
from imports.origin import StartedBy
from imports.services import import_job_cancel, import_job_process
from notifications import tasks
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.services import (
    job_finished_notify,
    webhook_delivery_attempt,
    webhook_endpoint_create,
    workspace_notification_settings_update,
)
from notifications.tests.helpers import job_for, wait_for
from tests.csv_files import books_csv, isbn

# Row 3 has no title: rejected, then corrected.
BAD_TITLE = f"title,author,isbn,publication_year\nGood,Ann,{isbn(1)},1999\n,Bob,{isbn(2)},2000\n".encode()


def reference_signature(secret: str, message_id: str, timestamp: str, body: bytes) -> str:
    """The specification's reference algorithm, written out: base64(HMAC-SHA256(key, "id.ts.body"))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def finished_job(workspace, *, cancel: bool = False) -> ImportJob:
    job = job_for(workspace, books_csv(3), started_by=StartedBy.command_line())
    if cancel:
        import_job_cancel(job=job)
        return ImportJob.objects.get(pk=job.pk)
    return import_job_process(job_id=job.pk)


@pytest.mark.django_db
def test_a_completed_job_is_posted_signed_with_the_job_as_body(receiver, workspace):
    endpoint = webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.completed"])
    job = finished_job(workspace)
    job_finished_notify(job_id=job.pk)
    [delivery] = WebhookDelivery.objects.all()
    attempt = webhook_delivery_attempt(delivery_id=delivery.pk)
    assert attempt is not None and attempt.succeeded and attempt.status_code == 200

    [request] = receiver.requests
    assert request.path == "/hooks/intake"
    headers = request.headers
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"] == delivery.message_id and headers["webhook-id"].startswith("msg_")
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    expected = reference_signature(endpoint.secret, headers["webhook-id"], headers["webhook-timestamp"], request.body)
    assert headers["webhook-signature"] == expected
    # The reference library agrees, and returns the body.
    body = Webhook(endpoint.secret).verify(request.body, headers)
    assert body["type"] == "import.completed"
    assert body["data"]["id"] == str(job.pk)
    assert body["data"]["status"] == "completed"
    assert body["data"]["created_rows"] == 3
    assert body["data"]["started_by"]["via"] == "command_line"
    assert attempt.latency_ms >= 0 and '"ok"' in attempt.response_excerpt


@pytest.mark.django_db
def test_corrected_rows_and_a_revert_are_posted_signed_as_their_own_events(
    receiver, client, workspace, django_capture_on_commit_callbacks
):
    endpoint = webhook_endpoint_create(
        workspace=workspace, url=receiver.url, events=["import.resubmitted", "import.reverted"]
    )
    job = import_job_process(job_id=job_for(workspace, BAD_TITLE, started_by=None).pk)
    assert not WebhookDelivery.objects.exists(), "import.completed was not chosen"
    with django_capture_on_commit_callbacks(execute=True):
        fixed = client.post(
            f"/api/imports/{job.pk}/errors/resubmit/",
            {"rows": [{"row_number": 3, "values": {"title": "Fixed"}}]},
            format="json",
        )
        assert fixed.status_code == 200, fixed.content
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/imports/{job.pk}/revert/").status_code == 200
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.event for d in deliveries] == ["import.resubmitted", "import.reverted"]
    for delivery in deliveries:
        attempt = webhook_delivery_attempt(delivery_id=delivery.pk)
        assert attempt is not None and attempt.succeeded
    bodies = [Webhook(endpoint.secret).verify(r.body, r.headers) for r in receiver.requests]
    assert [b["type"] for b in bodies] == ["import.resubmitted", "import.reverted"]
    assert [(b["data"]["created_rows"], b["data"]["failed_rows"], b["data"]["outcome"]) for b in bodies] == [
        (2, 0, "completed"),
        (2, 0, "reverted"),
    ]
    assert bodies[1]["data"]["reverted_deleted_rows"] == 2


@pytest.mark.django_db
def test_an_endpoint_without_the_new_events_hears_nothing_of_corrections_or_reverts(
    receiver, client, workspace, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.completed"])
    job = import_job_process(job_id=job_for(workspace, BAD_TITLE, started_by=None).pk)
    WebhookDelivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/imports/{job.pk}/errors/resubmit/",
            {"rows": [{"row_number": 3, "values": {"title": "Fixed"}}]},
            format="json",
        )
        client.post(f"/api/imports/{job.pk}/revert/")
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_endpoints_get_only_the_events_they_chose(receiver, workspace):
    webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.cancelled"])
    job_finished_notify(job_id=finished_job(workspace).pk)
    assert not WebhookDelivery.objects.exists()
    job_finished_notify(job_id=finished_job(workspace, cancel=True).pk)
    assert WebhookDelivery.objects.get().event == "import.cancelled"


def test_a_receiver_that_fails_twice_then_succeeds_gets_one_accepted_delivery_after_two_logged_failures(
    receiver, celery_worker, workspace, monkeypatch
):
    monkeypatch.setattr(tasks, "WEBHOOK_RETRY_BASE_SECONDS", 0.2)
    receiver.script = [500, 503]
    webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.completed"])
    job = finished_job(workspace)  # transactional: import_job_finish's notification runs and queues the delivery
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(status="succeeded").first(), timeout=30, what="a delivery"
    )
    time.sleep(0.5)
    assert [r.headers["webhook-id"] for r in receiver.requests] == [delivery.message_id] * 3
    assert len({r.body for r in receiver.requests}) == 1, "every attempt sends the same bytes"
    assert delivery.attempts == 3
    log = list(delivery.attempt_log.order_by("number").values_list("number", "status_code", "succeeded"))
    assert log == [(1, 500, False), (2, 503, False), (3, 200, True)]
    assert "maintenance" in delivery.attempt_log.get(number=1).response_excerpt
    assert json.loads(receiver.requests[-1].body)["data"]["id"] == str(job.pk)
    assert WebhookEndpoint.objects.get().failing_since is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8080/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fe80::1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.1.1/hook",
    ],
)
def test_private_loopback_and_link_local_endpoints_are_refused(client, url):
    response = client.post("/api/webhooks/", {"url": url, "events": ["import.completed"]}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "address_refused"
    assert "url" in error["fields"]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_public_address_is_accepted_and_other_schemes_are_not(client):
    ok = client.post(
        "/api/webhooks/", {"url": "https://93.184.215.14/hook", "events": ["import.failed"]}, format="json"
    )
    assert ok.status_code == 201, ok.content
    for url in ("ftp://93.184.215.14/x", "https://user:pw@93.184.215.14/x", "not a url"):
        response = client.post("/api/webhooks/", {"url": url, "events": ["import.failed"]}, format="json")
        assert response.status_code == 400, url


@pytest.mark.django_db
def test_an_address_refused_at_delivery_time_is_logged_and_nothing_is_sent(receiver, workspace, settings):
    webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.completed"])
    settings.WEBHOOK_ALLOWED_NETWORKS = []
    job_finished_notify(job_id=finished_job(workspace).pk)
    attempt = webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)
    assert attempt is not None and not attempt.succeeded and attempt.status_code is None
    assert attempt.error.startswith("refused: 127.0.0.1 is 127.0.0.1, a loopback address")
    assert receiver.requests == []


@pytest.mark.django_db
def test_redirects_are_not_followed(receiver, second_receiver, workspace):
    receiver.redirect_to = second_receiver.url
    webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.completed"])
    job_finished_notify(job_id=finished_job(workspace).pk)
    attempt = webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)
    assert attempt is not None and attempt.status_code == 302 and not attempt.succeeded
    assert len(receiver.requests) == 1
    assert second_receiver.requests == []


@pytest.mark.django_db
def test_an_endpoint_failing_for_a_day_is_disabled_and_the_workspace_is_told(receiver, smtp, workspace):
    workspace_notification_settings_update(workspace=workspace, email_addresses=["ops@acme.test"])
    endpoint = webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.completed"])
    receiver.script = [500, 500, 500]
    job_finished_notify(job_id=finished_job(workspace).pk)
    first = WebhookDelivery.objects.get()
    webhook_delivery_attempt(delivery_id=first.pk)
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.failing_since is not None
    # A day of failures later...
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=24, minutes=1))
    job_finished_notify(job_id=finished_job(workspace).pk)
    second = WebhookDelivery.objects.exclude(pk=first.pk).get()
    webhook_delivery_attempt(delivery_id=second.pk)
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_reason.startswith("Every delivery failed since")
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}
    [mail] = smtp.received
    assert mail.rcpt_tos == ["ops@acme.test"]
    assert mail.message["Subject"] == f"[Intake] Webhook endpoint disabled: {receiver.url}"
    # A disabled endpoint gets no new deliveries.
    job_finished_notify(job_id=finished_job(workspace).pk)
    assert WebhookDelivery.objects.count() == 2


@pytest.mark.django_db
def test_progress_webhooks_go_to_endpoints_that_asked_at_most_every_few_seconds(
    receiver, workspace, settings, monkeypatch
):
    from notifications import services

    settings.IMPORT_BATCH_SIZE = 100
    webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.progress"])
    other = webhook_endpoint_create(workspace=workspace, url=receiver.url, events=["import.completed"])
    services._progress.clear()
    services._progress_endpoints.clear()
    monkeypatch.setattr(services, "WEBHOOK_PROGRESS_SECONDS", 0.0)
    job = job_for(workspace, books_csv(300), started_by=None)
    import_job_process(job_id=job.pk)
    progress = list(WebhookDelivery.objects.filter(event="import.progress").order_by("created_at"))
    # When a worker takes it, then after each batch.
    assert [json.loads(d.payload)["data"]["processed_rows"] for d in progress] == [0, 100, 200, 300]
    assert all(json.loads(d.payload)["data"]["status"] == "processing" for d in progress)
    assert not WebhookDelivery.objects.filter(endpoint=other).exists()

    # At the default pace, a fast import sends one, when it starts.
    monkeypatch.setattr(services, "WEBHOOK_PROGRESS_SECONDS", 5.0)
    WebhookDelivery.objects.all().delete()
    import_job_process(job_id=job_for(workspace, books_csv(300, start=1000), started_by=None).pk)
    assert WebhookDelivery.objects.filter(event="import.progress").count() == 1
