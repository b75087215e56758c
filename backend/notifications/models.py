from __future__ import annotations

from django.conf import settings
from django.db import models


class UserNotificationSettings(models.Model):
    """What a person wants to hear about the imports they start themselves."""

    class ImportEmails(models.TextChoices):
        ALL = "all", "Every finished import"
        FAILURES = "failures", "Failed or cancelled imports only"
        OFF = "off", "None"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    import_emails = models.CharField(max_length=10, choices=ImportEmails.choices, default=ImportEmails.ALL)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "user notification settings"
        verbose_name_plural = "user notification settings"

    def __str__(self) -> str:
        return f"{self.user}: {self.import_emails}"


class WorkspaceNotificationSettings(models.Model):
    """Where a workspace's notices go when no person started the job (API keys, feeds, the command
    line), and where a disabled webhook is reported."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_addresses = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "workspace notification settings"
        verbose_name_plural = "workspace notification settings"

    def __str__(self) -> str:
        return f"{self.workspace}: {', '.join(self.email_addresses) or '(none)'}"


class JobEmail(models.Model):
    """One e-mail about a finished job: queued once, sent once, retried until it goes or gives up."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    job = models.ForeignKey("imports.ImportJob", on_delete=models.CASCADE, related_name="emails")
    recipients = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.job_id} -> {', '.join(self.recipients)} ({self.status})"
