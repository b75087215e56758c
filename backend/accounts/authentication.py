from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.models import WorkspaceAPIKey
from accounts.principals import WorkspacePrincipal
from accounts.selectors import membership_get_for_user
from config.logs import log_context_bind

API_KEY_HEADER = "HTTP_X_API_KEY"
# Writing last_used_at on every request would turn each poll into a write; once a minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class WorkspaceApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[WorkspacePrincipal, WorkspaceAPIKey] | None:
        raw_key = request.META.get(API_KEY_HEADER)
        if raw_key is None:
            return None
        key = raw_key.strip()
        try:
            api_key = cast(WorkspaceAPIKey, WorkspaceAPIKey.objects.get_from_key(key))
        except WorkspaceAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid API key.") from None
        # Revoked keys are not usable keys: get_from_key has already refused them above.
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            WorkspaceAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        log_context_bind(workspace=api_key.workspace.slug)
        return WorkspacePrincipal(workspace=api_key.workspace, via="api_key"), api_key

    def authenticate_header(self, request: Request) -> str:
        return "X-API-KEY"


class WorkspaceJWTAuthentication(JWTAuthentication):
    def authenticate(self, request: Request) -> tuple[WorkspacePrincipal, Any] | None:  # type: ignore[override]
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        membership = membership_get_for_user(user=user)
        if membership is None:
            raise exceptions.AuthenticationFailed("This account has no workspace.")
        principal = WorkspacePrincipal(
            workspace=membership.workspace, email=getattr(user, "email", ""), user_id=user.pk, via="jwt"
        )
        log_context_bind(workspace=membership.workspace.slug)
        return principal, token
