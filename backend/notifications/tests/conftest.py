"""Real services the notification tests talk to: an SMTP server (aiosmtpd) on localhost."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpHandler:
    """Keeps what arrives; ``refuse_next`` answers that many DATA commands with a 451 first."""

    received: list[Received] = field(default_factory=list)
    refuse_next: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.refuse_next > 0:
                self.refuse_next -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(message, EmailMessage)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: SmtpHandler

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@pytest.fixture(scope="session")
def smtp_server_session() -> Iterator[SmtpServer]:
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, handler)
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_server_session: SmtpServer, settings: Any) -> SmtpServer:
    """Mail goes through SMTP to the local server, which starts each test empty."""
    handler = smtp_server_session.handler
    with handler.lock:
        handler.received.clear()
        handler.refuse_next = 0
        handler.refused = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server_session.host
    settings.EMAIL_PORT = smtp_server_session.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://intake.example.com"
    return smtp_server_session


@dataclass
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A real HTTP server on localhost that webhooks are delivered to.

    ``script`` lists the status codes of the next answers (then 200); ``redirect_to`` makes it
    answer 302 with that Location.
    """

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[ReceivedRequest] = []
        self.script: list[int] = []
        self.redirect_to = ""
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append(
                        ReceivedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    code = receiver.script.pop(0) if receiver.script else 200
                if receiver.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                answer = b'{"ok": true}' if code < 400 else b"receiver is down for maintenance"
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/intake"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    """A receiver on loopback, which the tests allow (production refuses loopback addresses)."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def second_receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()
