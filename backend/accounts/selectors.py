from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from rest_framework.request import Request

from accounts.models import Membership, Workspace, WorkspaceAPIKey
from accounts.principals import WorkspacePrincipal


def membership_get_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Membership | None:
    return Membership.objects.select_related("workspace").filter(user_id=cast(int, user.pk)).first()


def request_workspace(request: Request) -> Workspace:
    principal = request.user
    assert isinstance(principal, WorkspacePrincipal), "HasWorkspace permission guarantees this"
    return principal.workspace


def api_key_list(*, workspace: Workspace) -> QuerySet[WorkspaceAPIKey]:
    return WorkspaceAPIKey.objects.filter(workspace=workspace).order_by("-created")
