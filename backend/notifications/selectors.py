from __future__ import annotations

from notifications.models import UserNotificationSettings, WorkspaceNotificationSettings


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
