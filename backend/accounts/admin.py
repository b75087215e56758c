from django.contrib import admin
from rest_framework_api_key.admin import APIKeyModelAdmin

from accounts.models import Membership, Workspace, WorkspaceAPIKey


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin[Workspace]):
    list_display = ["slug", "name", "created_at"]
    search_fields = ["slug", "name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "workspace", "created_at"]
    list_select_related = ["user", "workspace"]


@admin.register(WorkspaceAPIKey)
class WorkspaceAPIKeyAdmin(APIKeyModelAdmin):
    list_display = (*APIKeyModelAdmin.list_display, "workspace", "last_used_at")  # type: ignore[assignment]
    list_filter = (*APIKeyModelAdmin.list_filter, "workspace")  # type: ignore[assignment]
