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


class WebhookEvent(models.TextChoices):
    COMPLETED = "import.completed", "An import completed"
    FAILED = "import.failed", "An import failed"
    CANCELLED = "import.cancelled", "An import was cancelled"
    PROGRESS = "import.progress", "A running import moved on (at most every few seconds)"
    RESUBMITTED = "import.resubmitted", "Corrected rows of a finished import were sent again"
    REVERTED = "import.reverted", "A finished import was reverted"


class WebhookEndpoint(models.Model):
    """A URL of the workspace's own systems that hears about its jobs, signed per Standard Webhooks."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True, default="")
    # whsec_ + base64 of 32 random bytes. Needed in clear to sign; the API shows it once.
    secret = models.CharField(max_length=100)
    events = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    # The first failed attempt of the current run of failures; any success clears it. An endpoint
    # failing for WEBHOOK_DISABLE_AFTER_HOURS is disabled and the workspace is told.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…" if self.secret else ""


class WebhookDelivery(models.Model):
    """One event for one endpoint: a message id, a body signed the same way at every attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for its next attempt"
        SUCCEEDED = "succeeded"
        FAILED = "failed", "Given up"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    job = models.ForeignKey("imports.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    event = models.CharField(max_length=40, choices=WebhookEvent.choices)
    # webhook-id: the same for every attempt, so a receiver can drop repeats.
    message_id = models.CharField(max_length=40, unique=True)
    # The exact body sent; kept as text so a retry or a redelivery signs the same bytes.
    payload = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="notif_delivery_ep_created_idx")]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, as it went."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    manual = models.BooleanField(default=False, help_text="Asked for by hand (redeliver).")
    started_at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    # The first KiB of the answer, or why there was none (refused address, timeout, connection error).
    response_excerpt = models.TextField(blank=True, default="")
    error = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.status_code or self.error}"
