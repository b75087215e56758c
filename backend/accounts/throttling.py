"""Request rates: per client IP for signing up and in, per user or per API key for the rest.

Counters live in Django's default cache (Redis when CACHE_URL is set, see config/settings.py), so
every web process of a deployment shares them. Rates come from settings.THROTTLE_RATES at each
request; a scope whose rate is None is not limited. A refused request answers 429 in the one
error shape with a Retry-After header (config/exceptions.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from accounts.models import WorkspaceAPIKey
from accounts.principals import WorkspacePrincipal

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _SettingsRateThrottle(SimpleRateThrottle):
    # DRF reads its rates once, at import; these are read from the settings at each request.
    def get_rate(self) -> str | None:
        return settings.THROTTLE_RATES.get(self.scope or "")

    def key_for(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ClientIpThrottle(_SettingsRateThrottle):
    """Per client address. Behind proxies, TRUSTED_PROXY_COUNT says how many X-Forwarded-For hops to trust."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.key_for(self.get_ident(request))


class RegisterThrottle(ClientIpThrottle):
    scope = "register"


class LoginThrottle(ClientIpThrottle):
    scope = "login"


class RefreshThrottle(ClientIpThrottle):
    scope = "refresh"


class PrincipalThrottle(_SettingsRateThrottle):
    """Per signed-in user, or per API key: two keys of one workspace have a budget each."""

    methods: tuple[str, ...] = ()

    def allow_request(self, request: Request, view: Any) -> bool:
        if request.method not in self.methods:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        principal = request.user
        if not isinstance(principal, WorkspacePrincipal):
            return None
        if isinstance(request.auth, WorkspaceAPIKey):
            return self.key_for(f"key-{request.auth.prefix}")
        return self.key_for(f"user-{principal.user_id}")


class ReadThrottle(PrincipalThrottle):
    scope = "reads"
    methods = SAFE_METHODS


class UploadThrottle(PrincipalThrottle):
    scope = "uploads"
    methods = ("POST",)
