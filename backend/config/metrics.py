"""Prometheus metrics, served at /metrics by the web process.

The endpoint is off (404) unless METRICS_TOKEN is set; then it needs ``Authorization: Bearer
<METRICS_TOKEN>`` (401 otherwise). It is answered by a middleware placed before Django's host and
https checks, because Prometheus scrapes each pod at its own address (not an allowed host), over
plain http inside the cluster. The Kubernetes web pods are annotated for scraping (k8s/web.yaml).

What the web process exposes, read from the database at scrape time, so every web process (and
pod) answers the same figures:

- ``intake_import_jobs{status}``: import jobs by status;
- ``intake_import_rows_total{outcome}``: rows of the stored jobs that were created, updated,
  unchanged, skipped or failed, dry runs left out (deleting jobs lowers it, which Prometheus reads as a
  counter reset);
- ``intake_import_oldest_pending_seconds``: how long the oldest job waiting for a worker (pending, or
  uploaded and not yet picked up to be sanitized) has waited.

Request counts and latencies are not exposed: with several gunicorn processes per pod, each
would count its own requests and a scrape would see one process at random; the per-request log
line (config/logs.py, with duration_ms) carries them instead.

- ``intake_import_rows_per_second``: the running jobs' rows per second, together;
- ``intake_import_batch_seconds_max``: the longest last batch (load and record) of a running job;
- ``intake_import_queue_wait_seconds{stat=mean|max}``: upload to start, jobs of the last 15 min.

The worker's figures come from what each batch commit writes on its job, so they need no
endpoint in the worker processes.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Max, Min, Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from config.exceptions import error_body

METRICS_PATH = "/metrics"
ROW_OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")


class ImportJobsCollector(Collector):
    """Figures of the import jobs, queried when Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        from imports.models import ImportJob

        jobs = GaugeMetricFamily("intake_import_jobs", "Import jobs by status.", labels=["status"])
        counts = dict(ImportJob.objects.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
        for status in ImportJob.Status.values:
            jobs.add_metric([status], counts.get(status, 0))
        yield jobs

        rows = CounterMetricFamily(
            "intake_import_rows", "Rows of the stored import jobs by outcome.", labels=["outcome"]
        )
        # A dry run's counters are what an import would do: no row of theirs was written.
        sums = ImportJob.objects.filter(dry_run=False).aggregate(
            **{outcome: Sum(f"{outcome}_rows") for outcome in ROW_OUTCOMES}
        )
        for outcome in ROW_OUTCOMES:
            rows.add_metric([outcome], sums[outcome] or 0)
        yield rows

        now = timezone.now()
        # Waiting for a worker: pending, or in quarantine with no sanitize run started.
        waiting = Q(status=ImportJob.Status.PENDING) | Q(status=ImportJob.Status.SANITIZING, heartbeat_at__isnull=True)
        oldest = ImportJob.objects.filter(waiting).aggregate(at=Min("created_at"))["at"]
        waited = (now - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "intake_import_oldest_pending_seconds", "Seconds the oldest pending import job has waited.", value=waited
        )

        # The worker's side, from what every batch commit writes on its job: no figure lives
        # in a worker process, so any web process answers for all workers.
        running = list(
            ImportJob.objects.filter(status=ImportJob.Status.PROCESSING).values_list(
                "processed_rows", "started_at", "last_batch_seconds"
            )
        )
        rate = sum(rows / max((now - started).total_seconds(), 1e-3) for rows, started, _ in running if started)
        yield GaugeMetricFamily(
            "intake_import_rows_per_second", "Rows per second of the running import jobs, together.", value=rate
        )
        batches = [seconds for _, _, seconds in running if seconds is not None]
        yield GaugeMetricFamily(
            "intake_import_batch_seconds_max",
            "Longest time a running job's last batch took to load and record.",
            value=max(batches, default=0.0),
        )
        window = now - timedelta(minutes=15)
        waits = ImportJob.objects.filter(started_at__gte=window).aggregate(
            wait=Avg(F("started_at") - F("created_at")), longest=Max(F("started_at") - F("created_at"))
        )
        queue = GaugeMetricFamily(
            "intake_import_queue_wait_seconds",
            "Time from upload to start of the jobs started in the last 15 minutes.",
            labels=["stat"],
        )
        for stat in ("wait", "longest"):
            value = waits[stat]
            queue.add_metric(["mean" if stat == "wait" else "max"], value.total_seconds() if value else 0.0)
        yield queue


# What /metrics answers. auto_describe stays off: registering must not query the database.
REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(ImportJobsCollector())


def _unauthorized() -> HttpResponse:
    response = JsonResponse(error_body("not_authenticated", "A metrics token is needed."), status=401)
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info.rstrip("/") != METRICS_PATH:
            return self.get_response(request)
        token = settings.METRICS_TOKEN
        if not token:
            return HttpResponse("Not found.", status=404, content_type="text/plain; charset=utf-8")
        given = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, credentials = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(credentials.strip().encode(), token.encode()):
            return _unauthorized()
        return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
