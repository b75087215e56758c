from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager


class Workspace(models.Model):
    """A tenant: it owns its jobs, API keys and every imported row."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    """A person belongs to one workspace; signing in resolves to it as an API key does."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace}"


class WorkspaceAPIKeyManager(APIKeyManager):
    def assign_key(self, obj: AbstractAPIKey) -> str:
        # The library makes the primary key "<prefix>.<hash of the secret>", which would put the
        # hash in API bodies, URLs and access logs. The prefix alone is unique and not secret.
        key = super().assign_key(obj)
        obj.id = obj.prefix
        return key

    def get_usable_keys(self) -> models.QuerySet[WorkspaceAPIKey]:
        # Every authenticated request needs the workspace: fetched with the key, one query fewer
        # for each of the status polls a running import draws.
        return super().get_usable_keys().select_related("workspace")


class WorkspaceAPIKey(AbstractAPIKey):
    """An API key of a workspace: random secret with a public prefix, stored as a hash.

    The primary key is the prefix (see WorkspaceAPIKeyManager.assign_key), never the hash.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[WorkspaceAPIKeyManager] = WorkspaceAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API key"
        verbose_name_plural = "API keys"
        ordering = ["-created"]  # type: ignore[assignment]
