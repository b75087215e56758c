from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from accounts.models import Workspace
from notifications.models import (
    UserNotificationSettings,
    WebhookDelivery,
    WebhookEndpoint,
    WorkspaceNotificationSettings,
)


def user_import_emails(*, user_id: int) -> str:
    found = UserNotificationSettings.objects.filter(user_id=user_id).values_list("import_emails", flat=True).first()
    return found or UserNotificationSettings.ImportEmails.ALL


def workspace_email_addresses(*, workspace_id: int) -> list[str]:
    found = (
        WorkspaceNotificationSettings.objects.filter(workspace_id=workspace_id)
        .values_list("email_addresses", flat=True)
        .first()
    )
    return list(found or [])


def workspace_notice_addresses(*, workspace_id: int) -> list[str]:
    """Who hears about the workspace itself: its notification addresses, else its members."""
    addresses = workspace_email_addresses(workspace_id=workspace_id)
    if addresses:
        return addresses
    members = get_user_model().objects.filter(membership__workspace_id=workspace_id, is_active=True)
    return [email for email in members.values_list("email", flat=True) if email]


def webhook_endpoint_list(*, workspace: Workspace) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(workspace=workspace).order_by("created_at")


def webhook_endpoint_get(*, workspace: Workspace, endpoint_id: int | str) -> WebhookEndpoint | None:
    try:
        key = int(endpoint_id)
    except (TypeError, ValueError):
        return None
    return WebhookEndpoint.objects.filter(workspace=workspace, pk=key).first()


def webhook_delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(endpoint=endpoint).prefetch_related("attempt_log").order_by("-created_at")
