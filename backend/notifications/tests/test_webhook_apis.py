"""The webhooks API: register endpoints, read deliveries and their attempts, redeliver by hand."""

from __future__ import annotations

import pytest

from imports.origin import StartedBy
from imports.services import import_job_process
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.services import job_finished_notify, webhook_delivery_attempt
from notifications.tests.helpers import job_for, wait_for
from tests.csv_files import books_csv


def create(client, url, events=("import.completed", "import.failed")):
    response = client.post("/api/webhooks/", {"url": url, "events": list(events), "description": "ERP"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.mark.django_db
def test_the_secret_is_shown_once_and_the_endpoint_is_listed_without_it(client, receiver):
    created = create(client, receiver.url)
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["secret_hint"] == created["secret"][:10] + "…"
    assert created["events"] == ["import.completed", "import.failed"]
    listed = client.get("/api/webhooks/").json()
    assert [e["id"] for e in listed] == [created["id"]]
    assert "secret" not in listed[0] and "secret" not in client.get(f"/api/webhooks/{created['id']}/").json()
    rotated = client.post(f"/api/webhooks/{created['id']}/rotate-secret/").json()
    assert rotated["secret"] != created["secret"]
    assert WebhookEndpoint.objects.get().secret == rotated["secret"]


@pytest.mark.django_db
def test_events_are_checked_and_progress_is_optional(client, receiver):
    bad = client.post("/api/webhooks/", {"url": receiver.url, "events": ["import.done"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"events.0": ['"import.done" is not a valid choice.']}
    created = create(client, receiver.url, events=["import.progress", "import.completed"])
    assert created["events"] == ["import.completed", "import.progress"]


@pytest.mark.django_db
def test_an_endpoint_is_edited_enabled_again_and_deleted(client, receiver):
    created = create(client, receiver.url)
    WebhookEndpoint.objects.update(enabled=False, disabled_reason="Every delivery failed since …")
    response = client.patch(
        f"/api/webhooks/{created['id']}/", {"enabled": True, "events": ["import.failed"]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enabled"] is True and body["disabled_reason"] == "" and body["events"] == ["import.failed"]
    assert client.delete(f"/api/webhooks/{created['id']}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_another_workspace_cannot_see_or_touch_an_endpoint(client, other_client, receiver):
    created = create(client, receiver.url)
    assert other_client.get("/api/webhooks/").json() == []
    for call in (
        other_client.get(f"/api/webhooks/{created['id']}/"),
        other_client.patch(f"/api/webhooks/{created['id']}/", {"enabled": False}, format="json"),
        other_client.delete(f"/api/webhooks/{created['id']}/"),
        other_client.get(f"/api/webhooks/{created['id']}/deliveries/"),
    ):
        assert call.status_code == 404


def test_deliveries_list_their_attempts_and_one_is_redelivered_by_hand(client, receiver, celery_worker, workspace):
    receiver.script = [500]
    created = create(client, receiver.url)
    WebhookEndpoint.objects.update(events=["import.completed"])
    job = job_for(workspace, books_csv(2), started_by=StartedBy.command_line())
    import_job_process(job_id=job.pk)
    wait_for(lambda: WebhookDelivery.objects.filter(status="succeeded").exists(), timeout=30, what="a delivery")

    page = client.get(f"/api/webhooks/{created['id']}/deliveries/").json()
    [delivery] = page["results"]
    assert delivery["event"] == "import.completed" and delivery["job"] == str(job.pk)
    assert [(a["number"], a["status_code"], a["succeeded"]) for a in delivery["attempt_log"]] == [
        (1, 500, False),
        (2, 200, True),
    ]
    response = client.post(f"/api/webhooks/{created['id']}/deliveries/{delivery['id']}/redeliver/")
    assert response.status_code == 202, response.content
    wait_for(lambda: len(receiver.requests) == 3, what="the redelivery")
    attempts = wait_for(
        lambda: (
            len(got := client.get(f"/api/webhooks/{created['id']}/deliveries/").json()["results"][0]["attempt_log"])
            == 3
            and got
        ),
        what="the logged redelivery",
    )
    assert attempts[-1]["manual"] is True and attempts[-1]["succeeded"] is True
    assert receiver.requests[2].headers["webhook-id"] == receiver.requests[0].headers["webhook-id"]


@pytest.mark.django_db
def test_a_disabled_endpoint_cannot_redeliver(client, receiver, workspace):
    created = create(client, receiver.url)
    job = import_job_process(job_id=job_for(workspace, books_csv(1), started_by=None).pk)
    job_finished_notify(job_id=job.pk)
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_attempt(delivery_id=delivery.pk)
    client.patch(f"/api/webhooks/{created['id']}/", {"enabled": False}, format="json")
    response = client.post(f"/api/webhooks/{created['id']}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "endpoint_disabled"
