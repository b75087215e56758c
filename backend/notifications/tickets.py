"""Tickets that open a live stream: short-lived, signed, for one workspace, good for one use.

A browser's EventSource cannot send an Authorization header, and a bearer token or an API key in
a URL would land in access logs for as long as it is valid. The page trades its credential for a
ticket (POST /api/live/ticket/) and opens the stream with it; a logged ticket is useless a minute
later, or as soon as it was used.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing

SALT = "intake.live.ticket"
TICKET_SECONDS = 60


@dataclass(frozen=True)
class Ticket:
    workspace_id: int
    user_id: int | None
    nonce: str


def live_ticket_issue(*, workspace_id: int, user_id: int | None) -> str:
    return signing.dumps({"w": workspace_id, "u": user_id, "n": secrets.token_urlsafe(12)}, salt=SALT, compress=False)


def live_ticket_read(ticket: str) -> Ticket | None:
    """The ticket's content if it is genuine and not expired; single use is checked by the stream."""
    try:
        data = signing.loads(ticket, salt=SALT, max_age=TICKET_SECONDS)
        return Ticket(workspace_id=int(data["w"]), user_id=data.get("u"), nonce=str(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
