from django.contrib import admin

from notifications.models import JobEmail, UserNotificationSettings, WorkspaceNotificationSettings


@admin.register(UserNotificationSettings)
class UserNotificationSettingsAdmin(admin.ModelAdmin[UserNotificationSettings]):
    list_display = ["user", "import_emails", "updated_at"]
    list_select_related = ["user"]


@admin.register(WorkspaceNotificationSettings)
class WorkspaceNotificationSettingsAdmin(admin.ModelAdmin[WorkspaceNotificationSettings]):
    list_display = ["workspace", "email_addresses", "updated_at"]
    list_select_related = ["workspace"]


@admin.register(JobEmail)
class JobEmailAdmin(admin.ModelAdmin[JobEmail]):
    list_display = ["job", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["job"]
    readonly_fields = ["job", "recipients", "status", "attempts", "last_error", "created_at", "sent_at"]
