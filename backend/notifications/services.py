"""Writes of the notifications app: who hears about a finished job, and sending it to them.

``job_finished_notify`` is the one entry point the imports app calls (from import_job_finish,
once the job's final status is committed). It only queues work: a mail server or a webhook
receiver that is slow or down never delays or fails an import.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from rest_framework import status

from accounts.models import Workspace
from config.errors import ApplicationError
from imports.models import ImportJob
from notifications.emails import job_email_message
from notifications.models import JobEmail, UserNotificationSettings, WorkspaceNotificationSettings
from notifications.selectors import user_import_emails, workspace_email_addresses

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
    for step in (job_email_queue,):
        _safely(step, job)


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
