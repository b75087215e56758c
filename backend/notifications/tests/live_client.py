"""A server and an SSE client for the live-update tests: uvicorn serving config.asgi in a thread."""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn

from notifications.tests.conftest import free_port


class AsgiServer:
    def __init__(self) -> None:
        from config.asgi import application

        self.port = free_port()
        config = uvicorn.Config(application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(timeout=10)


@dataclass
class Event:
    name: str
    data: Any
    received_at: float


class EventStream:
    """Reads a text/event-stream on a thread; events land in a queue as they arrive."""

    def __init__(self, port: int, path: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.request("GET", path, headers={"Accept": "text/event-stream"})
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}
        self.events: queue.Queue[Event | None] = queue.Queue()
        self.body = b""
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.body = self.response.read()

    def _read(self) -> None:
        name, data = "message", list[str]()
        try:
            while True:
                line = self.response.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n")
                if text == "":
                    if data:
                        self.events.put(Event(name, json.loads("\n".join(data)), time.time()))
                    name, data = "message", list[str]()
                elif text.startswith("event:"):
                    name = text[6:].strip()
                elif text.startswith("data:"):
                    data.append(text[5:].strip())
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            pass  # closed by the test, or by the server
        self.events.put(None)

    def next(self, timeout: float = 10.0) -> Event | None:
        return self.events.get(timeout=timeout)

    def jobs(self, until_status: str = "completed", timeout: float = 20.0) -> Iterator[Event]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self.next(timeout=max(deadline - time.monotonic(), 0.01))
            if event is None:
                return
            if event.name == "job":
                yield event
                if event.data["job"]["status"] == until_status:
                    return

    def jobs_heard(self, seconds: float) -> list[Event]:
        """The job events that arrive within the next seconds (keep-alive pings are not jobs)."""
        heard: list[Event] = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.next(timeout=left)
            except queue.Empty:
                break
            if event is None:
                break
            if event.name == "job":
                heard.append(event)
        return heard

    def close(self) -> None:
        # The reading thread holds the socket open; shut it down so the server sees the client go.
        import socket

        if self.connection.sock is not None:
            try:
                self.connection.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        elif self.response.fp is not None:
            try:
                self.response.fp.raw._sock.shutdown(socket.SHUT_RDWR)  # type: ignore[attr-defined]
            except (AttributeError, OSError):
                pass
        self.connection.close()
