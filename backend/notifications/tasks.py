"""Notification tasks: on their own queue, so they never wait behind an import (and imports
never wait for them). Each takes an id, reads it again and calls one service."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from notifications.models import WebhookDelivery
from notifications.services import (
    PermanentEmailError,
    job_email_give_up,
    job_email_send,
    webhook_delivery_attempt,
    webhook_delivery_give_up,
    webhook_delivery_retry_at,
)

logger = logging.getLogger(__name__)

QUEUE = "notifications"
# About 30 s, 1, 2, 4 ... minutes, at most an hour apart: a mail server down for half a day
# still gets the mail, then we give up and say so on the e-mail's record.
EMAIL_RETRY_BASE_SECONDS = 30.0
EMAIL_RETRY_MAX_SECONDS = 3600.0
EMAIL_MAX_RETRIES = 16


def backoff_seconds(retries: int, *, base: float, cap: float) -> float:
    """Exponential with full jitter, so many failures do not all come back at the same moment."""
    ceiling = min(cap, base * 2**retries)
    return random.uniform(ceiling / 2, ceiling)


@shared_task(bind=True, name="notifications.send_job_email", queue=QUEUE, acks_late=True, ignore_result=True)
def job_email_send_task(self, email_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        job_email_send(email_id=email_id)
    except PermanentEmailError as error:
        logger.warning("e-mail %s refused for good: %s", email_id, error)
    except Exception as error:
        if self.request.retries >= EMAIL_MAX_RETRIES:
            job_email_give_up(email_id=email_id, reason=f"gave up after {self.request.retries + 1} attempts: {error}")
            return
        countdown = backoff_seconds(self.request.retries, base=EMAIL_RETRY_BASE_SECONDS, cap=EMAIL_RETRY_MAX_SECONDS)
        logger.info("e-mail %s not sent (%s); again in %.0f s", email_id, error, countdown)
        raise self.retry(exc=error, countdown=countdown, max_retries=EMAIL_MAX_RETRIES) from error


# Webhooks: about 5 s, 10 s, 20 s ... doubling up to 3 h apart, with jitter, for a day after the
# event; past that the delivery is given up (it can still be redelivered by hand).
WEBHOOK_RETRY_BASE_SECONDS = 5.0
WEBHOOK_RETRY_MAX_SECONDS = 3 * 3600.0
WEBHOOK_RETRY_WINDOW = timedelta(hours=24)


@shared_task(bind=True, name="notifications.deliver_webhook", queue=QUEUE, acks_late=True, ignore_result=True)
def webhook_deliver_task(self, delivery_id: int, manual: bool = False) -> None:  # type: ignore[no-untyped-def]
    attempt = webhook_delivery_attempt(delivery_id=delivery_id, manual=manual)
    if attempt is None or attempt.succeeded or manual:
        return
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return
    countdown = backoff_seconds(self.request.retries, base=WEBHOOK_RETRY_BASE_SECONDS, cap=WEBHOOK_RETRY_MAX_SECONDS)
    next_at = timezone.now() + timedelta(seconds=countdown)
    if next_at - delivery.created_at > WEBHOOK_RETRY_WINDOW:
        webhook_delivery_give_up(delivery_id=delivery_id)
        return
    webhook_delivery_retry_at(delivery_id=delivery_id, at=next_at)
    raise self.retry(countdown=countdown, max_retries=None)
