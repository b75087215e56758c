"""Who is calling: every authenticated request resolves to a workspace, whatever the credential."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import Workspace


@dataclass(frozen=True)
class WorkspacePrincipal:
    workspace: Workspace
    email: str = ""
    user_id: int | None = None
    via: str = field(default="api_key")

    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True

    @property
    def pk(self) -> int | None:
        return self.user_id
