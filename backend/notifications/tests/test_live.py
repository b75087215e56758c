"""Live updates: batches and status changes reach an open stream through Redis, within half a second."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from imports.origin import StartedBy
from imports.services import import_job_process
from notifications import live, stream
from notifications.tests.helpers import job_for
from notifications.tests.live_client import AsgiServer, EventStream
from notifications.tickets import live_ticket_issue
from tests.csv_files import books_csv

REDIS = "redis://127.0.0.1:6379/8"


@pytest.fixture
def live_redis(settings) -> str:
    settings.LIVE_REDIS_URL = REDIS
    live._broken_until = 0.0
    return REDIS


@pytest.fixture
def server(live_redis) -> Iterator[AsgiServer]:
    running = AsgiServer()
    try:
        yield running
    finally:
        running.stop()


def open_stream(server: AsgiServer, client) -> EventStream:
    response = client.post("/api/live/ticket/")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["expires_in"] == 60 and body["url"].startswith("/api/live/events/?ticket=")
    events = EventStream(server.port, body["url"])
    assert events.status == 200, events.body
    assert events.headers["content-type"].startswith("text/event-stream")
    assert events.headers["x-accel-buffering"] == "no"
    ready = events.next()
    assert ready is not None and ready.name == "ready"
    return events


@pytest.mark.django_db(transaction=True)
def test_each_batch_and_the_final_status_reach_the_page_within_half_a_second(server, client, workspace, settings):
    settings.IMPORT_BATCH_SIZE = 100
    events = open_stream(server, client)
    try:
        job = job_for(workspace, books_csv(450), started_by=StartedBy.command_line())
        import_job_process(job_id=job.pk)
        seen = list(events.jobs())
    finally:
        events.close()
    jobs = [e.data["job"] for e in seen]
    assert all(j["id"] == str(job.pk) for j in jobs)
    # Taken by a worker to be sanitized, out of quarantine, taken to be processed, then each
    # batch, then the end.
    assert [(j["status"], j["processed_rows"]) for j in jobs] == [
        ("sanitizing", 0),
        ("pending", 0),
        ("processing", 0),
        *[("processing", rows) for rows in (100, 200, 300, 400, 450)],
        ("completed", 450),
    ]
    assert [j["status"] for j in jobs][-1] == "completed" and jobs[-1]["created_rows"] == 450
    assert jobs[-1]["progress_percent"] == 100.0 and jobs[-1]["filename"] == "books.csv"
    delays = [e.received_at - e.data["job"]["published_at"] for e in seen]
    assert max(delays) < 0.5, delays


@pytest.mark.django_db(transaction=True)
def test_a_stream_hears_only_its_own_workspace(server, client, other_client, workspace, other_workspace):
    mine = open_stream(server, client)
    theirs = open_stream(server, other_client)
    try:
        job = job_for(other_workspace, books_csv(3), started_by=None)
        import_job_process(job_id=job.pk)
        assert [e.data["job"]["status"] for e in theirs.jobs()][-1] == "completed"
        # Keep-alive pings may come; no job event may.
        assert mine.jobs_heard(0.5) == []
    finally:
        mine.close()
        theirs.close()


@pytest.mark.django_db(transaction=True)
def test_cancelling_on_the_api_reaches_the_stream(server, client, workspace):
    events = open_stream(server, client)
    try:
        job = job_for(workspace, books_csv(3), started_by=None)
        assert client.post(f"/api/imports/{job.pk}/cancel/").status_code == 200
        [event] = list(events.jobs(until_status="cancelled"))
        assert event.data["job"]["id"] == str(job.pk)
    finally:
        events.close()


@pytest.mark.django_db
def test_a_ticket_opens_one_stream_and_a_bad_one_none(server, workspace):
    ticket = live_ticket_issue(workspace_id=workspace.pk, user_id=None)
    first = EventStream(server.port, f"/api/live/events/?ticket={ticket}")
    assert first.status == 200
    again = EventStream(server.port, f"/api/live/events/?ticket={ticket}")
    assert again.status == 401
    assert again.body and b'"invalid_ticket"' in again.body
    for path in ("/api/live/events/", "/api/live/events/?ticket=forged", f"/api/live/events/?ticket={ticket[:-2]}xx"):
        refused = EventStream(server.port, path)
        assert refused.status == 401, path
    first.close()


@pytest.mark.django_db
def test_an_expired_ticket_is_refused(server, workspace, monkeypatch):
    ticket = live_ticket_issue(workspace_id=workspace.pk, user_id=None)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61)
    refused = EventStream(server.port, f"/api/live/events/?ticket={ticket}")
    monkeypatch.setattr(time, "time", real)
    assert refused.status == 401


@pytest.mark.django_db
def test_without_redis_the_ticket_and_the_stream_say_live_updates_are_off(client, settings):
    settings.LIVE_REDIS_URL = ""
    response = client.post("/api/live/ticket/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "live_off"
    server = AsgiServer()
    try:
        events = EventStream(server.port, "/api/live/events/?ticket=x")
        assert events.status == 503
    finally:
        server.stop()


@pytest.mark.django_db
def test_the_stream_ends_when_redis_drops_it(server, client):
    events = open_stream(server, client)
    try:
        hub = stream._hub
        assert hub is not None
        admin = redis.Redis.from_url(REDIS)
        # Only this test's subscriber connection: others on the server are left alone.
        mine = [c for c in admin.client_list(_type="pubsub") if c.get("sub") != "0" and int(c["db"]) == 8]
        assert mine
        for connection in mine:
            admin.client_kill_filter(_id=connection["id"])
        assert events.next(timeout=5) is None  # the server closed the stream
    finally:
        events.close()


@pytest.mark.django_db
def test_the_asgi_app_serves_the_api_through_django(server, monkeypatch):
    import urllib.request

    from django.db import connections

    # The server's threads close their connection after the request, so the test database can go.
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)

    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/api/health/", timeout=10) as answer:
        assert answer.status == 200


@pytest.mark.django_db
def test_publishing_with_redis_down_neither_raises_nor_waits(settings, workspace):
    settings.LIVE_REDIS_URL = "redis://127.0.0.1:1/0"
    live._broken_until = 0.0
    started = time.monotonic()
    job = job_for(workspace, books_csv(3), started_by=None)
    assert import_job_process(job_id=job.pk).status == "completed"
    assert time.monotonic() - started < 3
    live._broken_until = 0.0


@pytest.mark.django_db
def test_a_stream_ends_with_reconnect_after_its_lifetime(server, client, monkeypatch):
    monkeypatch.setattr(stream, "MAX_STREAM_SECONDS", 0.5)
    events = open_stream(server, client)
    try:
        last = events.next(timeout=5)
        assert last is not None and last.name == "reconnect"
        assert events.next(timeout=5) is None  # and the server closed it
    finally:
        events.close()


def test_a_page_that_falls_behind_is_ended_not_left_with_gaps(live_redis, monkeypatch):
    import asyncio

    monkeypatch.setattr(stream, "QUEUE_SIZE", 3)

    async def scenario() -> list[bytes | None]:
        hub = stream.Hub(REDIS)
        queue = await hub.subscribe("intake:8:live:workspace:behind")
        publisher = redis.Redis.from_url(REDIS)
        for n in range(10):
            publisher.publish("intake:8:live:workspace:behind", f"event {n}")
        received: list[bytes | None] = []
        while True:
            item = await asyncio.wait_for(queue.get(), timeout=5)
            received.append(item)
            if item is None:
                break
        await hub.close()
        return received

    received = asyncio.run(scenario())
    # The stream ends (None) instead of going on with a gap; the page then reloads what it shows.
    assert received[-1] is None
    assert len(received) < 10
