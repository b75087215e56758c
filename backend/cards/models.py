"""Card delivery: the partners' events as they were sent, and one current status per card."""

from __future__ import annotations

from django.db import models

from datasets.models import ImportedRecord


class EventType(models.TextChoices):
    PICKUP = "pickup", "Picked up"
    DELIVERY_EXCEPTION = "delivery_exception", "Delivery exception"
    DELIVERED = "delivered", "Delivered"
    RETURNED = "returned", "Returned"


# A card that reached one of these stays there until another final event comes.
FINAL_EVENT_TYPES = (EventType.DELIVERED, EventType.RETURNED)
# Which event wins when two carry the same time: the higher.
EVENT_PRECEDENCE = {
    EventType.PICKUP: 1,
    EventType.DELIVERY_EXCEPTION: 2,
    EventType.DELIVERED: 3,
    EventType.RETURNED: 4,
}


class CardEvent(ImportedRecord):
    """One row of a partner feed. Append-only: re-importing a file adds nothing."""

    card_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=20, choices=EventType.choices)
    event_at = models.DateTimeField()
    # Optional cells are loaded as NULL (an empty COPY field), as every dataset's are.
    # E.164
    mobile = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    reason = models.TextField(null=True, blank=True)  # noqa: DJ001
    # The partner's own row id; not unique across feeds.
    partner_row_id = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["card_id", "event_at"]
        constraints = [
            # Also the index that finds a card's events (workspace, card_id prefix).
            models.UniqueConstraint(
                fields=["workspace", "card_id", "event_type", "event_at"], name="cards_event_identity_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card_id} {self.event_type} at {self.event_at:%Y-%m-%d %H:%M}"


class CardStatus(models.Model):
    """Where a card is now, derived from all its events; rewritten in the batch that adds one."""

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, db_index=False, db_constraint=False)
    card_id = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=EventType.choices)
    status_at = models.DateTimeField()
    # The mobile of the event that set the status (or of the latest event that has one).
    mobile = models.CharField(max_length=20, null=True, blank=True)  # noqa: DJ001
    # An event came after the card reached a final status: "pickup after delivered".
    anomaly = models.BooleanField(default=False)
    anomaly_reason = models.CharField(max_length=100, blank=True, default="")
    events_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["card_id"]
        verbose_name_plural = "card statuses"
        constraints = [
            models.UniqueConstraint(fields=["workspace", "card_id"], name="cards_status_card_uniq"),
        ]
        indexes = [models.Index(fields=["workspace", "mobile"], name="cards_status_mobile_idx")]

    def __str__(self) -> str:
        return f"{self.card_id}: {self.status}"
