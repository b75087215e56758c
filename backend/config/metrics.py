"""Prometheus metrics, served at /metrics by the web process.

The endpoint is off (404) unless METRICS_TOKEN is set; then it needs ``Authorization: Bearer
<METRICS_TOKEN>`` (401 otherwise). It is answered by a middleware placed before Django's host and
https checks, because Prometheus scrapes each pod at its own address (not an allowed host), over
plain http inside the cluster. The Kubernetes web pods are annotated for scraping (k8s/web.yaml).

What the web process exposes, read from the database at scrape time, so every web process (and
pod) answers the same figures:

- ``intake_import_jobs{status}``: import jobs by status;
- ``intake_import_rows_total{outcome}``: rows of the stored jobs that were created, updated,
  skipped or failed (deleting jobs lowers it, which Prometheus reads as a counter reset);
- ``intake_import_oldest_pending_seconds``: how long the oldest pending job has waited.

Request counts and latencies are not exposed: with several gunicorn processes per pod, each
would count its own requests and a scrape would see one process at random; the per-request log
line (config/logs.py, with duration_ms) carries them instead.

Worker-side metrics (batch commit time, queue wait, rows per second) belong in this module too:
define the metric objects below ("Worker metrics") with ``registry=WORKER_REGISTRY``, update them
from the pipeline, and expose that registry from the worker process (for instance with
``prometheus_client.start_http_server`` in a ``worker_process_init`` handler in config/celery.py,
on a port of its own). Keep them out of ``REGISTRY``: a web process never sees their values.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from config.exceptions import error_body

METRICS_PATH = "/metrics"
ROW_OUTCOMES = ("created", "updated", "skipped", "failed")


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
        sums = ImportJob.objects.aggregate(**{outcome: Sum(f"{outcome}_rows") for outcome in ROW_OUTCOMES})
        for outcome in ROW_OUTCOMES:
            rows.add_metric([outcome], sums[outcome] or 0)
        yield rows

        oldest = ImportJob.objects.filter(status=ImportJob.Status.PENDING).aggregate(at=Min("created_at"))["at"]
        waited = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "intake_import_oldest_pending_seconds", "Seconds the oldest pending import job has waited.", value=waited
        )


# What /metrics answers. auto_describe stays off: registering must not query the database.
REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(ImportJobsCollector())

# ---- Worker metrics ----------------------------------------------------------------------------
# Updated in the worker processes and exposed by them, never by /metrics (see the module docstring).
WORKER_REGISTRY = CollectorRegistry(auto_describe=False)


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
