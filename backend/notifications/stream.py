"""The live stream: Server-Sent Events of a workspace's jobs, served under ASGI.

Why Server-Sent Events and not a WebSocket (Django Channels): updates only go from the server to
the page, which is what SSE is; it is plain HTTP, so it passes the compose nginx and the
Kubernetes ingress with buffering off and no upgrade handling; the browser reconnects by itself;
and it needs no channel layer or second protocol stack beside Django.

One Redis pub/sub connection per web process (the Hub) subscribes to the channels of the
workspaces that have a page open, and fans each message out to those pages' queues. Nothing
here touches the database: the ticket says which workspace the stream is for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any
from urllib.parse import parse_qs

import redis.asyncio as aioredis
from django.conf import settings

from notifications.live import channel_prefix, workspace_channel
from notifications.tickets import TICKET_SECONDS, live_ticket_read

logger = logging.getLogger(__name__)

PATH = "/api/live/events/"
HEARTBEAT_SECONDS = 15.0
# A stream ends after this long with a "reconnect" event, and the page opens a new one with a new
# ticket: a revoked key or a signed-out session stops hearing within this time.
MAX_STREAM_SECONDS = 15 * 60.0
# Tells EventSource how long to wait before reconnecting by itself (the page also steps in).
RETRY_MS = 2000
QUEUE_SIZE = 256

Scope = dict[str, Any]


class Hub:
    """One pub/sub connection of this process, shared by every open stream."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.redis = aioredis.Redis.from_url(url, socket_connect_timeout=2, health_check_interval=30)
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.listeners: dict[str, set[asyncio.Queue[bytes | None]]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()
        self.closed = False
        # Redis connections belong to the event loop that made them.
        self.loop = asyncio.get_running_loop()

    async def claim_ticket(self, nonce: str) -> bool:
        """A ticket opens one stream: the first to claim its nonce wins."""
        key = f"{channel_prefix(self.url)}ticket:{nonce}"
        return bool(await self.redis.set(key, 1, nx=True, ex=TICKET_SECONDS * 2))

    async def subscribe(self, channel: str) -> asyncio.Queue[bytes | None]:
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(QUEUE_SIZE)
        async with self.lock:
            if channel not in self.listeners:
                await self.pubsub.subscribe(channel)
                self.listeners[channel] = set()
            self.listeners[channel].add(queue)
            if self.reader is None:
                self.reader = asyncio.create_task(self._read())
        return queue

    async def unsubscribe(self, channel: str, queue: asyncio.Queue[bytes | None]) -> None:
        async with self.lock:
            queues = self.listeners.get(channel)
            if queues is None:
                return
            queues.discard(queue)
            if not queues:
                del self.listeners[channel]
                if not self.closed:
                    with contextlib.suppress(Exception):
                        await self.pubsub.unsubscribe(channel)

    async def _read(self) -> None:
        try:
            while True:
                message = await self.pubsub.get_message(timeout=1.0)
                if message is None or message.get("type") != "message":
                    continue
                channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
                data = message["data"] if isinstance(message["data"], bytes) else str(message["data"]).encode()
                for queue in list(self.listeners.get(channel, ())):
                    try:
                        queue.put_nowait(data)
                    except asyncio.QueueFull:
                        _end(queue)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.warning("live updates: Redis subscription lost (%s); open pages fall back to polling", error)
            await self.close()

    async def close(self) -> None:
        global _hub
        if self.closed:
            return
        self.closed = True
        if _hub is self:
            _hub = None
        for queues in self.listeners.values():
            for queue in queues:
                _end(queue)
        if self.reader is not None and self.reader is not asyncio.current_task():
            self.reader.cancel()
        with contextlib.suppress(Exception):
            await self.pubsub.aclose()
        with contextlib.suppress(Exception):
            await self.redis.aclose()


def _end(queue: asyncio.Queue[bytes | None]) -> None:
    """Make the stream reading this queue end: what is still queued is dropped, and the page,
    which cannot keep up or lost its source, reconnects and reloads what it shows."""
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(None)


_hub: Hub | None = None


def hub_get() -> Hub:
    global _hub
    if (
        _hub is None
        or _hub.closed
        or _hub.url != settings.LIVE_REDIS_URL
        or _hub.loop is not asyncio.get_running_loop()
    ):
        _hub = Hub(settings.LIVE_REDIS_URL)
    return _hub


async def hub_close() -> None:
    if _hub is not None:
        await _hub.close()


async def _error(send: Any, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message, "fields": {}}}).encode()
    headers = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
    if status == 401:
        headers.append((b"www-authenticate", b'Ticket realm="live"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _wait_disconnect(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def live_events_app(scope: Scope, receive: Any, send: Any) -> None:
    """GET /api/live/events/?ticket=…: a text/event-stream of the ticket's workspace."""
    if scope.get("method") not in ("GET", "HEAD"):
        await _error(send, 405, "method_not_allowed", "Open the stream with GET.")
        return
    if not settings.LIVE_REDIS_URL:
        await _error(send, 503, "live_off", "Live updates are off on this server (no Redis); poll the API instead.")
        return
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    ticket = live_ticket_read((query.get("ticket") or [""])[0])
    if ticket is None:
        await _error(send, 401, "invalid_ticket", "The ticket is missing, expired or not genuine; get a new one.")
        return
    hub = hub_get()
    try:
        if not await hub.claim_ticket(ticket.nonce):
            await _error(send, 401, "invalid_ticket", "This ticket was used already; get a new one.")
            return
        channel = workspace_channel(ticket.workspace_id)
        queue = await hub.subscribe(channel)
    except Exception as error:
        logger.warning("live updates: Redis unavailable (%s)", error)
        await hub.close()
        await _error(send, 503, "live_unavailable", "Live updates are unavailable right now; poll the API meanwhile.")
        return

    disconnected = asyncio.create_task(_wait_disconnect(receive))
    try:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/event-stream; charset=utf-8"),
                    (b"cache-control", b"no-store"),
                    # nginx (and ingress-nginx) pass each event on at once instead of buffering.
                    (b"x-accel-buffering", b"no"),
                ],
            }
        )
        await send(
            {
                "type": "http.response.body",
                "body": f"retry: {RETRY_MS}\nevent: ready\ndata: {{}}\n\n".encode(),
                "more_body": True,
            }
        )
        loop = asyncio.get_running_loop()
        ends_at = loop.time() + MAX_STREAM_SECONDS
        while not disconnected.done():
            left = ends_at - loop.time()
            if left <= 0:
                await send({"type": "http.response.body", "body": b"event: reconnect\ndata: {}\n\n", "more_body": True})
                break
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait(
                {getter, disconnected}, timeout=min(HEARTBEAT_SECONDS, left), return_when=asyncio.FIRST_COMPLETED
            )
            if getter not in done:
                getter.cancel()
                if disconnected in done:
                    break
                if ends_at - loop.time() <= 0:
                    continue
                # Keeps proxies from closing an idle stream, finds dead clients, and tells the page
                # the stream is alive (EventSource does not show comment lines to the page).
                await send({"type": "http.response.body", "body": b"event: ping\ndata: {}\n\n", "more_body": True})
                continue
            data = getter.result()
            if data is None:
                break  # the hub lost Redis, or this page fell behind: end, the page takes over
            await send(
                {"type": "http.response.body", "body": b"event: job\ndata: " + data + b"\n\n", "more_body": True}
            )
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass  # the client went away mid-write
    finally:
        disconnected.cancel()
        await hub.unsubscribe(channel, queue)
