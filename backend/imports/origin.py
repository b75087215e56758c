"""Who started a job: a signed-in user, an API key, the command line or a feed.

Kept on the job as text as well as links, so History still reads right after the user or the
key is gone.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from rest_framework.request import Request

from accounts.models import WorkspaceAPIKey
from accounts.principals import WorkspacePrincipal


@dataclass(frozen=True)
class StartedBy:
    via: str
    name: str = ""
    user_id: int | None = None
    api_key_prefix: str = ""

    @classmethod
    def user(cls, *, user_id: int | None, email: str) -> StartedBy:
        return cls(via="user", name=email, user_id=user_id)

    @classmethod
    def api_key(cls, *, key: WorkspaceAPIKey) -> StartedBy:
        return cls(via="api_key", name=key.name, api_key_prefix=key.prefix)

    @classmethod
    def command_line(cls) -> StartedBy:
        try:
            who = getpass.getuser()
        except Exception:  # no login name in some containers
            who = ""
        return cls(via="command_line", name=who)

    @classmethod
    def feed(cls, *, dataset: str, folder: str = "") -> StartedBy:
        return cls(via="feed", name=f"{dataset} ({folder})" if folder else dataset)

    def job_fields(self) -> dict[str, Any]:
        return {
            "started_via": self.via,
            "started_by_name": self.name[:200],
            "started_by_user_id": self.user_id,
            "started_by_key_prefix": self.api_key_prefix[:16],
        }


def request_started_by(request: Request) -> StartedBy | None:
    principal = request.user
    if not isinstance(principal, WorkspacePrincipal):
        return None
    if isinstance(request.auth, WorkspaceAPIKey):
        return StartedBy.api_key(key=request.auth)
    if principal.user_id is not None:
        return StartedBy.user(user_id=principal.user_id, email=principal.email)
    return None
