from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from accounts.principals import WorkspacePrincipal


class HasWorkspace(BasePermission):
    """Every API endpoint except sign-up, sign-in and health needs a workspace credential."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, WorkspacePrincipal)
