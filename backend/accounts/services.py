from __future__ import annotations

from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from rest_framework import status
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Membership, Workspace, WorkspaceAPIKey
from config.errors import ApplicationError


def workspace_get_or_create(*, slug: str, name: str | None = None) -> Workspace:
    clean = slugify(slug)
    if not clean:
        raise ApplicationError(
            "A workspace needs a name made of letters or digits.", fields={"workspace": ["Invalid."]}
        )
    workspace, _ = Workspace.objects.get_or_create(slug=clean, defaults={"name": name or slug})
    return workspace


def _unique_workspace_slug(base: str) -> str:
    base = slugify(base)[:80] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def user_register(*, email: str, password: str, confirm_password: str):  # type: ignore[no-untyped-def]
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    fields: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=email).exists():
        fields["email"] = ["An account with this e-mail already exists."]
    if password != confirm_password:
        fields["confirm_password"] = ["The two passwords do not match."]
    candidate = User(username=email, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        fields["password"] = list(exc.messages)
    if fields:
        raise ApplicationError(next(iter(fields.values()))[0], fields=fields)
    user = User.objects.create_user(username=email, email=email, password=password)
    local_part = email.split("@", 1)[0]
    workspace = Workspace.objects.create(name=local_part, slug=_unique_workspace_slug(local_part))
    Membership.objects.create(user=user, workspace=workspace)
    return user, workspace


def api_key_create(*, workspace: Workspace, name: str) -> tuple[WorkspaceAPIKey, str]:
    name = name.strip()
    if not name:
        raise ApplicationError("A key needs a name.", fields={"name": ["This field may not be blank."]})
    api_key, secret = WorkspaceAPIKey.objects.create_key(name=name[:50], workspace=workspace)
    return cast(WorkspaceAPIKey, api_key), secret


def api_key_revoke(*, api_key: WorkspaceAPIKey) -> WorkspaceAPIKey:
    if not api_key.revoked:
        api_key.revoked = True
        api_key.save(update_fields=["revoked"])
    return api_key


def _refresh_token_is_blacklisted(token: str) -> bool:
    try:
        jti = RefreshToken(token, verify=False).get("jti")  # type: ignore[arg-type]
    except TokenError:
        return False
    return bool(jti) and BlacklistedToken._default_manager.filter(token__jti=jti).exists()


def refresh_token_blacklist(*, token: str) -> None:
    """Sign out: the refresh token can no longer be used. Signing out twice is not an error."""
    try:
        refresh = RefreshToken(token)  # type: ignore[arg-type]  # checks the signature, the expiry, the type and the blacklist
    except TokenError:
        if _refresh_token_is_blacklisted(token):
            return
        message = "This refresh token is not valid or has expired."
        raise ApplicationError(
            message, code="token_not_valid", fields={"refresh": [message]}, status_code=status.HTTP_401_UNAUTHORIZED
        ) from None
    refresh.blacklist()
