"""/metrics: off without a token, a bearer token otherwise, figures read from the database."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from imports.models import ImportJob
from tests.csv_files import books_csv
from tests.test_deploy_config import REPO, kustomize_build

TOKEN = "metrics-token-for-tests"


def scrape(token: str | None = TOKEN, host: str = "10.1.2.3:8000"):
    headers: dict[str, Any] = {"HTTP_HOST": host}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**headers).get("/metrics")


def sample(body: str, name: str, **labels: str) -> float:
    label_text = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(f"{name}{{{label_text}}}" if labels else name) + r" (\S+)"
    match = re.search(rf"^{pattern}$", body, re.MULTILINE)
    assert match, f"{name} {labels} not in:\n{body}"
    return float(match.group(1))


def test_metrics_are_off_without_a_token(db, settings):
    settings.METRICS_TOKEN = ""
    response = scrape()
    assert response.status_code == 404
    assert b"<" not in response.content


@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_metrics_need_the_bearer_token(db, settings, token):
    settings.METRICS_TOKEN = TOKEN
    response = scrape(token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "not_authenticated"


def test_metrics_count_jobs_by_status_and_rows_by_outcome_at_scrape_time(settings, run_import, make_job):
    settings.METRICS_TOKEN = TOKEN
    run_import(books_csv(5) + b"bad,row,x,y\n")
    pending = make_job(books_csv(1))
    ImportJob.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert sample(body, "intake_import_jobs", status="completed") == 1
    assert sample(body, "intake_import_jobs", status="sanitizing") == 1
    assert sample(body, "intake_import_jobs", status="failed") == 0
    assert sample(body, "intake_import_rows_total", outcome="created") == 5
    assert sample(body, "intake_import_rows_total", outcome="failed") == 1
    assert sample(body, "intake_import_rows_total", outcome="updated") == 0
    assert 299 <= sample(body, "intake_import_oldest_pending_seconds") < 400


def test_rows_given_again_with_the_same_values_are_counted_as_unchanged(settings, run_import):
    settings.METRICS_TOKEN = TOKEN
    run_import(books_csv(3))
    run_import(books_csv(4), on_conflict="update")
    body = scrape().content.decode()
    assert sample(body, "intake_import_rows_total", outcome="created") == 4
    assert sample(body, "intake_import_rows_total", outcome="unchanged") == 3
    assert sample(body, "intake_import_rows_total", outcome="updated") == 0


def test_rows_of_dry_runs_are_not_counted_as_imported(settings, run_import):
    settings.METRICS_TOKEN = TOKEN
    run_import(books_csv(3), dry_run=True)
    body = scrape().content.decode()
    assert sample(body, "intake_import_jobs", status="completed") == 1
    assert sample(body, "intake_import_rows_total", outcome="created") == 0


def test_metrics_show_the_workers_rate_batch_time_and_queue_wait(settings, run_import, make_job):
    settings.METRICS_TOKEN = TOKEN
    settings.IMPORT_BATCH_SIZE = 2
    done = run_import(books_csv(6))
    assert done.last_batch_seconds is not None and done.last_batch_seconds >= 0
    now = timezone.now()
    ImportJob.objects.filter(pk=done.pk).update(
        created_at=now - timedelta(seconds=70), started_at=now - timedelta(seconds=60)
    )
    running = make_job(books_csv(1))
    ImportJob.objects.filter(pk=running.pk).update(
        status="processing",
        processed_rows=1000,
        created_at=now - timedelta(seconds=30),
        started_at=now - timedelta(seconds=10),
        last_batch_seconds=0.25,
    )
    body = scrape().content.decode()
    assert 90 < sample(body, "intake_import_rows_per_second") <= 100.5
    assert sample(body, "intake_import_batch_seconds_max") == 0.25
    assert sample(body, "intake_import_queue_wait_seconds", stat="mean") == pytest.approx(15, abs=1)
    assert sample(body, "intake_import_queue_wait_seconds", stat="max") == pytest.approx(20, abs=1)


def test_metrics_answer_a_scrape_by_pod_address_over_plain_http(db, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.SECURE_SSL_REDIRECT = True
    assert scrape(host="10.244.0.7:8000").status_code == 200
    assert Client(HTTP_HOST="10.244.0.7:8000").get("/api/health/").status_code == 400


def test_the_kubernetes_web_pods_are_annotated_for_scraping():
    documents, _ = kustomize_build(REPO / "k8s")
    web = next(d for d in documents if d["kind"] == "Deployment" and d["metadata"]["name"] == "web")
    annotations = web["spec"]["template"]["metadata"]["annotations"]
    port = web["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(port),
        "prometheus.io/path": "/metrics",
    }
