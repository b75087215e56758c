"""Writes of the notifications app: who hears about a finished job, and sending it to them.

``job_finished_notify`` is the one entry point the imports app calls (from import_job_finish,
once the job's final status is committed). It only queues work: a mail server or a webhook
receiver that is slow or down never delays or fails an import.
"""

from __future__ import annotations

import json
import logging
import smtplib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from imports.models import ImportJob
from notifications.emails import job_email_message
from notifications.live import job_publish, job_read, live_enabled
from notifications.models import (
    JobEmail,
    UserNotificationSettings,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WorkspaceNotificationSettings,
)
from notifications.selectors import user_import_emails, workspace_email_addresses, workspace_notice_addresses
from notifications.webhooks import AddressRefused, webhook_post, webhook_secret_new, webhook_sign, webhook_target

logger = logging.getLogger(__name__)

MAX_WORKSPACE_ADDRESSES = 20


# ---- settings -------------------------------------------------------------------------------


def user_notification_settings_update(*, user_id: int, import_emails: str) -> UserNotificationSettings:
    if import_emails not in UserNotificationSettings.ImportEmails.values:
        choices = ", ".join(UserNotificationSettings.ImportEmails.values)
        raise ApplicationError(f"Must be one of {choices}.", fields={"import_emails": [f"Must be one of {choices}."]})
    preference, _ = UserNotificationSettings.objects.update_or_create(
        user_id=user_id, defaults={"import_emails": import_emails}
    )
    return preference


def workspace_notification_settings_update(
    *, workspace: Workspace, email_addresses: Iterable[str]
) -> WorkspaceNotificationSettings:
    cleaned: list[str] = []
    problems: list[str] = []
    for raw in email_addresses:
        address = raw.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            problems.append(f"{address!r} is not an e-mail address.")
            continue
        if address.lower() not in (a.lower() for a in cleaned):
            cleaned.append(address)
    if len(cleaned) > MAX_WORKSPACE_ADDRESSES:
        problems.append(f"At most {MAX_WORKSPACE_ADDRESSES} addresses.")
    if problems:
        raise ApplicationError(problems[0], fields={"email_addresses": problems})
    settings_row, _ = WorkspaceNotificationSettings.objects.update_or_create(
        workspace=workspace, defaults={"email_addresses": cleaned}
    )
    return settings_row


# ---- a finished job -------------------------------------------------------------------------


def job_email_recipients(*, job: ImportJob) -> list[str]:
    """The person who started the job, as they chose; for keys, feeds and the command line, the
    workspace's notification addresses."""
    if job.started_via == ImportJob.StartedVia.USER:
        user = job.started_by_user
        if user is None or not user.email or not user.is_active:
            return []
        wanted = user_import_emails(user_id=user.pk)
        if wanted == UserNotificationSettings.ImportEmails.OFF:
            return []
        if wanted == UserNotificationSettings.ImportEmails.FAILURES and job.status == ImportJob.Status.COMPLETED:
            return []
        return [user.email]
    return workspace_email_addresses(workspace_id=job.workspace_id)


def job_email_queue(*, job: ImportJob) -> JobEmail | None:
    recipients = job_email_recipients(job=job)
    if not recipients:
        return None
    email = JobEmail.objects.create(job=job, recipients=recipients)

    def enqueue() -> None:
        from notifications.tasks import job_email_send_task

        job_email_send_task.delay(email.pk)

    transaction.on_commit(enqueue, robust=True)
    return email


def _safely(step: Callable[..., Any], job: ImportJob) -> None:
    try:
        step(job=job)
    except Exception:
        logger.exception("notifying job %s: %s failed", job.pk, step.__name__)


def job_finished_notify(*, job_id: uuid.UUID | str) -> None:
    """Tell everyone who wants to know that a job ended. Never raises: the job is final already."""
    try:
        job = ImportJob.objects.select_related("started_by_user").get(pk=job_id)
    except Exception:
        logger.exception("notifying job %s: cannot read it", job_id)
        return
    if not job.is_final:
        return
    for step in (job_live_publish, job_email_queue, job_webhooks_queue):
        _safely(step, job)


def job_changed_notify(*, job_id: uuid.UUID | str, event: str | None = None) -> None:
    """A job changed outside a batch: open pages redraw it, and with an event (import.resubmitted,
    import.reverted) the webhook endpoints that chose it hear about it. Never raises: the change
    is committed."""
    try:
        if event is None:
            # Only the page hears: the few columns it shows are enough.
            live_job = job_read(job_id)
            if live_job is not None:
                job_publish(live_job)
            return
        job = ImportJob.objects.get(pk=job_id)
    except Exception:
        logger.exception("notifying job %s: cannot read it", job_id)
        return
    _safely(job_live_publish, job)
    try:
        webhook_deliveries_create(job=job, event=event)
    except Exception:
        logger.exception("notifying job %s: the %s webhooks were not queued", job.pk, event)


def job_live_publish(*, job: ImportJob) -> None:
    job_publish(job)


# ---- a running job --------------------------------------------------------------------------

# A webhook endpoint that asked for import.progress hears at most this often about a job.
WEBHOOK_PROGRESS_SECONDS = 5.0
# When no web process listened to a workspace's channel at the last publish, the next batches
# skip reading the job for this long: nobody is watching, and a page that opens meanwhile reads
# the job itself first.
LIVE_IDLE_SECONDS = 0.25
# How long "does this workspace have an endpoint for import.progress" is remembered.
PROGRESS_ENDPOINTS_TTL = 30.0


@dataclass
class _Progress:
    workspace_id: int
    live_idle_until: float = 0.0
    webhook_at: float = 0.0


_progress: dict[str, _Progress] = {}
_progress_endpoints: dict[int, tuple[float, bool]] = {}


def _wants_progress_webhooks(workspace_id: int, now: float) -> bool:
    cached = _progress_endpoints.get(workspace_id)
    if cached and now - cached[0] < PROGRESS_ENDPOINTS_TTL:
        return cached[1]
    events = WebhookEndpoint.objects.filter(workspace_id=workspace_id, enabled=True).values_list("events", flat=True)
    wanted = any(WebhookEvent.PROGRESS in e for e in events)
    _progress_endpoints[workspace_id] = (now, wanted)
    return wanted


def job_progress_notify(*, job_id: uuid.UUID | str) -> None:
    """After a batch commit: the page hears at once, import.progress webhooks every few seconds.

    Runs on the import's own thread, once per batch, so the common case costs a dictionary look-up
    and, while someone watches, one read by primary key and one Redis PUBLISH. Never raises.
    """
    try:
        key = str(job_id)
        now = time.monotonic()
        state = _progress.get(key)
        if state is None:
            workspace_id = ImportJob.objects.filter(pk=job_id).values_list("workspace_id", flat=True).first()
            if workspace_id is None:
                return
            if len(_progress) > 1000:  # jobs of a long-lived worker process that ended long ago
                _progress.clear()
            state = _progress[key] = _Progress(workspace_id=workspace_id)
        live = live_enabled() and now >= state.live_idle_until
        webhooks = now - state.webhook_at >= WEBHOOK_PROGRESS_SECONDS and _wants_progress_webhooks(
            state.workspace_id, now
        )
        if not (live or webhooks):
            return
        job = job_read(job_id)
        if job is None:
            return
        if live:
            listeners = job_publish(job)
            state.live_idle_until = now + LIVE_IDLE_SECONDS if listeners == 0 else 0.0
        if webhooks and job.status == ImportJob.Status.PROCESSING:
            state.webhook_at = now
            webhook_deliveries_create(job=ImportJob.objects.get(pk=job_id), event=WebhookEvent.PROGRESS)
    except Exception:
        logger.exception("progress notification of job %s failed", job_id)


# ---- sending --------------------------------------------------------------------------------


class PermanentEmailError(Exception):
    """The mail server refused for good (a 5xx answer): trying again would not help."""


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def job_email_send(*, email_id: int) -> JobEmail:
    """Send one queued e-mail. A failure is recorded on it and raised, for the task to retry."""
    email = JobEmail.objects.select_related("job").get(pk=email_id)
    if email.status != JobEmail.Status.PENDING:
        # A task delivered twice (acks_late) must not mail twice.
        return email
    JobEmail.objects.filter(pk=email.pk).update(attempts=email.attempts + 1)
    email.attempts += 1
    try:
        job_email_message(job=email.job, recipients=list(email.recipients)).send()
    except Exception as error:
        text = f"{error.__class__.__name__}: {error}"[:2000]
        if _is_permanent(error):
            JobEmail.objects.filter(pk=email.pk).update(status=JobEmail.Status.FAILED, last_error=text)
            raise PermanentEmailError(text) from error
        JobEmail.objects.filter(pk=email.pk).update(last_error=text)
        raise
    JobEmail.objects.filter(pk=email.pk).update(status=JobEmail.Status.SENT, sent_at=timezone.now(), last_error="")
    email.refresh_from_db()
    return email


def job_email_give_up(*, email_id: int, reason: str) -> None:
    JobEmail.objects.filter(pk=email_id, status=JobEmail.Status.PENDING).update(
        status=JobEmail.Status.FAILED, last_error=reason[:2000]
    )


def user_only(principal_user_id: int | None) -> int:
    if principal_user_id is None:
        raise ApplicationError(
            "These are a person's settings: sign in to change them (an API key has none).",
            code="user_only",
            status_code=status.HTTP_403_FORBIDDEN,
        )
    return principal_user_id


# ---- webhooks -------------------------------------------------------------------------------

# An endpoint whose every attempt failed for this long is disabled, and the workspace is told.
WEBHOOK_DISABLE_AFTER = timedelta(hours=24)
MAX_ENDPOINTS_PER_WORKSPACE = 20


def _events_check(events: Iterable[str]) -> list[str]:
    chosen = [e for e in WebhookEvent.values if e in set(events)]
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown or not chosen:
        message = f"Choose among {', '.join(WebhookEvent.values)}" + (
            f"; unknown: {', '.join(unknown)}." if unknown else "."
        )
        raise ApplicationError(message, fields={"events": [message]})
    return chosen


def _url_check(url: str) -> str:
    try:
        webhook_target(url)
    except AddressRefused as refused:
        message = f"{refused}."
        raise ApplicationError(message, code="address_refused", fields={"url": [message]}) from None
    return url.strip()


def webhook_endpoint_create(
    *, workspace: Workspace, url: str, events: Iterable[str], description: str = ""
) -> WebhookEndpoint:
    if WebhookEndpoint.objects.filter(workspace=workspace).count() >= MAX_ENDPOINTS_PER_WORKSPACE:
        raise ApplicationError(f"A workspace has at most {MAX_ENDPOINTS_PER_WORKSPACE} webhook endpoints.")
    return WebhookEndpoint.objects.create(
        workspace=workspace,
        url=_url_check(url),
        events=_events_check(events),
        description=description.strip()[:200],
        secret=webhook_secret_new(),
    )


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    if url is not None:
        endpoint.url = _url_check(url)
    if events is not None:
        endpoint.events = _events_check(events)
    if description is not None:
        endpoint.description = description.strip()[:200]
    if enabled is not None and enabled != endpoint.enabled:
        endpoint.enabled = enabled
        # Turned on again by hand: its failures start counting afresh.
        endpoint.failing_since = None
        endpoint.disabled_at = None if enabled else timezone.now()
        endpoint.disabled_reason = "" if enabled else "Disabled by hand."
    endpoint.save()
    return endpoint


def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    endpoint.secret = webhook_secret_new()
    endpoint.save(update_fields=["secret", "updated_at"])
    return endpoint


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def job_webhook_body(*, job: ImportJob, event: str) -> str:
    from imports.apis import ImportJobOutputSerializer

    data = ImportJobOutputSerializer(job).data
    return json.dumps({"type": event, "timestamp": timezone.now().isoformat(), "data": data}, separators=(",", ":"))


def webhook_deliveries_create(*, job: ImportJob, event: str) -> list[WebhookDelivery]:
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(workspace_id=job.workspace_id, enabled=True) if event in e.events
    ]
    if not endpoints:
        return []
    body = job_webhook_body(job=job, event=event)
    deliveries = [
        WebhookDelivery.objects.create(
            endpoint=endpoint, job=job, event=event, message_id=f"msg_{uuid.uuid4().hex}", payload=body
        )
        for endpoint in endpoints
    ]

    def enqueue() -> None:
        from notifications.tasks import webhook_deliver_task

        for delivery in deliveries:
            webhook_deliver_task.delay(delivery.pk)

    transaction.on_commit(enqueue, robust=True)
    return deliveries


def job_webhooks_queue(*, job: ImportJob) -> list[WebhookDelivery]:
    return webhook_deliveries_create(job=job, event=f"import.{job.status}")


def webhook_delivery_attempt(*, delivery_id: int, manual: bool = False) -> WebhookAttempt | None:
    """Send a delivery once and log how it went. None when there is nothing to send any more."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not manual and delivery.status != WebhookDelivery.Status.PENDING:
        return None
    if not endpoint.enabled:
        if delivery.status == WebhookDelivery.Status.PENDING:
            webhook_delivery_give_up(delivery_id=delivery.pk)
        return None
    now = timezone.now()
    signature = webhook_sign(
        secret=endpoint.secret, message_id=delivery.message_id, timestamp=now, body=delivery.payload
    )
    headers = {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    result = webhook_post(url=endpoint.url, body=delivery.payload, headers=headers)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        delivery.attempts += 1
        attempt = WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            manual=manual,
            started_at=now,
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            succeeded=result.succeeded,
            response_excerpt=result.excerpt,
            error=result.error,
        )
        if result.succeeded:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.succeeded_at = timezone.now()
            delivery.next_attempt_at = None
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        delivery.save()
    if not result.succeeded:
        _endpoint_failed(endpoint_id=endpoint.pk, at=now)
    return attempt


def webhook_delivery_retry_at(*, delivery_id: int, at: Any) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(next_attempt_at=at)


def webhook_delivery_give_up(*, delivery_id: int) -> None:
    WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None
    )


def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    if not delivery.endpoint.enabled:
        raise ApplicationError(
            "The endpoint is disabled; enable it first.", code="endpoint_disabled", status_code=status.HTTP_409_CONFLICT
        )

    def enqueue() -> None:
        from notifications.tasks import webhook_deliver_task

        webhook_deliver_task.delay(delivery.pk, manual=True)

    transaction.on_commit(enqueue, robust=True)
    return delivery


def _endpoint_failed(*, endpoint_id: int, at: Any) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(failing_since=at)
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    if endpoint.enabled and endpoint.failing_since and at - endpoint.failing_since >= WEBHOOK_DISABLE_AFTER:
        webhook_endpoint_disable(
            endpoint=endpoint, reason=f"Every delivery failed since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC."
        )


def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> None:
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_at=timezone.now(), disabled_reason=reason[:300]
    )
    if not changed:
        return
    WebhookDelivery.objects.filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING).update(
        status=WebhookDelivery.Status.FAILED, next_attempt_at=None
    )
    logger.warning("webhook endpoint %s disabled: %s", endpoint.pk, reason)
    recipients = workspace_notice_addresses(workspace_id=endpoint.workspace_id)
    if not recipients:
        return
    try:
        send_mail(
            subject=f"[Intake] Webhook endpoint disabled: {endpoint.url[:100]}",
            message=(
                f"The webhook endpoint {endpoint.url} of your workspace was disabled.\n\n{reason}\n\n"
                "Its pending deliveries were dropped. When the receiver works again, enable the endpoint "
                f"and redeliver what it missed: {settings.SITE_URL}/webhooks\n"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception(
            "could not tell workspace %s that endpoint %s was disabled", endpoint.workspace_id, endpoint.pk
        )
