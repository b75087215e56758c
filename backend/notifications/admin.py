from django.contrib import admin

from notifications.models import (
    JobEmail,
    UserNotificationSettings,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WorkspaceNotificationSettings,
)


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


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    list_display = ["url", "workspace", "enabled", "failing_since", "disabled_at", "created_at"]
    list_filter = ["enabled", "workspace"]
    exclude = ["secret"]
    readonly_fields = ["failing_since", "disabled_at", "disabled_reason"]


class WebhookAttemptInline(admin.TabularInline[WebhookAttempt, WebhookDelivery]):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in WebhookAttempt._meta.fields]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = ["message_id", "endpoint", "event", "status", "attempts", "created_at", "succeeded_at"]
    list_filter = ["status", "event"]
    raw_id_fields = ["endpoint", "job"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]
