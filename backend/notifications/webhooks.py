"""Sending one webhook request: where it may go, how it is signed, what came back.

Signatures follow the Standard Webhooks specification with its reference library
(``standardwebhooks``): ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``.

A webhook must not reach inside the network: the host is resolved, every address it resolves to
must be public (or in WEBHOOK_ALLOWED_NETWORKS), and the request connects to the address that
was checked, not to a second resolution a DNS server could answer differently. Redirects are
not followed.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import urllib3
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from config.errors import ApplicationError

SECRET_PREFIX = "whsec_"
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
EXCERPT_BYTES = 1024
USER_AGENT = "Intake-Webhooks/1.0 (+https://www.standardwebhooks.com/)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


def webhook_secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_sign(*, secret: str, message_id: str, timestamp: datetime, body: str) -> str:
    return Webhook(secret).sign(msg_id=message_id, timestamp=timestamp, data=body)


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOK_ALLOWED_NETWORKS]


def address_refusal(address: Address) -> str | None:
    """Why webhooks may not go to this address, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks()):
        return None
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_private:
        return "a private address"
    if address.is_multicast or address.is_unspecified or address.is_reserved or not address.is_global:
        return "not a public address"
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: Address


def webhook_url_parse(url: str) -> tuple[str, str, int, str]:
    try:
        parsed = urllib3.util.parse_url(url.strip())
    except Exception:
        raise ApplicationError("Not a URL.", fields={"url": ["Not a URL."]}) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        message = "Give an http:// or https:// URL with a host."
        raise ApplicationError(message, fields={"url": [message]})
    if parsed.auth:
        message = "Put no user or password in the URL; the signature authenticates each request."
        raise ApplicationError(message, fields={"url": [message]})
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return parsed.scheme, parsed.host.strip("[]"), port, parsed.request_uri or "/"


def webhook_target(url: str) -> Target:
    """Resolve the URL's host; refuse it when any address it has may not be reached."""
    scheme, host, port, path = webhook_url_parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise AddressRefused(f"{host} does not resolve: {error}") from None
    addresses: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    for address in addresses:
        why = address_refusal(address)
        if why:
            # A host with one public and one private address is refused too: which one a
            # connection would use is not ours to choose.
            raise AddressRefused(f"{host} is {address}, {why}; webhooks may only go to public addresses")
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    latency_ms: int
    excerpt: str
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_post(*, url: str, body: str, headers: dict[str, str]) -> PostResult:
    """POST once, to the checked address, without following redirects. Never raises."""
    started = time.monotonic()

    def done(status_code: int | None = None, excerpt: str = "", error: str = "") -> PostResult:
        return PostResult(status_code, round((time.monotonic() - started) * 1000), excerpt, error[:500])

    try:
        target = webhook_target(url)
    except (AddressRefused, ApplicationError) as refused:
        return done(error=f"refused: {refused}")
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host and target.port != default_port:
        host_header = f"[{target.host}]:{target.port}"
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    pool: urllib3.HTTPConnectionPool
    options: dict[str, Any] = {"timeout": timeout, "retries": False, "maxsize": 1}
    if target.scheme == "https":
        # Connect to the checked address; the certificate is still checked against the host name.
        pool = urllib3.HTTPSConnectionPool(
            str(target.address), target.port, server_hostname=target.host, assert_hostname=target.host, **options
        )
    else:
        pool = urllib3.HTTPConnectionPool(str(target.address), target.port, **options)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body.encode(),
            headers={**headers, "Host": host_header, "User-Agent": USER_AGENT, "Content-Type": "application/json"},
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        finally:
            response.release_conn()
        return done(status_code=response.status, excerpt=excerpt)
    except urllib3.exceptions.HTTPError as error:
        return done(error=f"{error.__class__.__name__}: {error}")
    except OSError as error:
        return done(error=f"{error.__class__.__name__}: {error}")
    finally:
        pool.close()
