"""The four partner feeds of card deliveries: one dataset each, all loading into card events."""

from __future__ import annotations

from cards.models import CardEvent, EventType
from cards.services import card_statuses_after_batch
from datasets.columns import Column, datetime_, phone, text
from datasets.registry import Dataset, dataset_register

# Partners write local times without a zone, and mobiles without the country code.
FEED_TIMEZONE = "Asia/Dubai"
FEED_PHONE_REGION = "AE"


def _card_id() -> Column:
    return Column(
        name="card_id",
        type="string",
        label="Card ID",
        parse=text,
        required=True,
        max_length=100,
        aliases=("card id", "cardid", "card number", "card_number"),
        description="The card's id, as the issuer wrote it.",
        example="C-100234",
    )


def _mobile(*, required: bool, aliases: tuple[str, ...]) -> Column:
    return Column(
        name="mobile",
        type="phone",
        parse=phone(region=FEED_PHONE_REGION),
        required=required,
        aliases=aliases,
        description=(
            "The customer's mobile, in any usual form (585949014, 0585949014, +971 58 594 9014); "
            f"stored as E.164. Numbers without a country code are read as {FEED_PHONE_REGION}."
        ),
        example="+971 58 594 9014",
    )


def _event_at() -> Column:
    return Column(
        name="event_at",
        type="datetime",
        label="Timestamp",
        parse=datetime_(timezone=FEED_TIMEZONE),
        required=True,
        aliases=("timestamp", "time", "event time", "date"),
        description=(
            "When it happened: ISO 8601 (2023-11-13T09:34:56Z) or day-first (13-11-2023 14:00, "
            f"12-11-2023 11:59 PM). Times without a zone are in {FEED_TIMEZONE} unless the upload says otherwise."
        ),
        example="13-11-2023 14:00",
    )


def _reason(description: str) -> Column:
    return Column(
        name="reason",
        type="string",
        parse=text,
        max_length=1000,
        aliases=("comment", "comments", "remark", "remarks"),
        description=description,
        example="User not available",
    )


def _partner_row_id() -> Column:
    return Column(
        name="partner_row_id",
        type="string",
        label="Partner row ID",
        parse=text,
        max_length=100,
        aliases=("id",),
        description="The partner's own row id (not unique across feeds). Optional.",
        example="1",
    )


def _feed(
    *,
    name: str,
    label: str,
    event_type: EventType,
    description: str,
    mobile_required: bool = False,
    reason: str = "",
) -> Dataset:
    """One partner feed: the columns every feed has, a comment where the feed has one."""
    columns = (
        _partner_row_id(),
        _card_id(),
        # Pickup feeds call it User Mobile, the others User contact; either header is read.
        _mobile(required=mobile_required, aliases=("user mobile", "user contact", "mobile", "contact", "phone")),
        _event_at(),
        *((_reason(reason),) if reason else ()),
    )
    return dataset_register(
        Dataset(
            name=name,
            label=label,
            description=description,
            model=CardEvent,
            columns=columns,
            constants={"event_type": event_type.value},
            # The same event sent twice is the same event: re-importing a file changes nothing.
            key_columns=("card_id", "event_type", "event_at"),
            on_conflict_default="skip",
            on_conflict_choices=("skip", "error"),
            skip_identical_rows=True,
            timezone=FEED_TIMEZONE,
            phone_region=FEED_PHONE_REGION,
            after_batch=card_statuses_after_batch,
            hook_columns=("card_id",),
        )
    )


card_pickup = _feed(
    name="card_pickup",
    label="Card pickups",
    event_type=EventType.PICKUP,
    description="The courier picked the card up for delivery.",
    mobile_required=True,
)
card_delivery_exception = _feed(
    name="card_delivery_exception",
    label="Card delivery exceptions",
    event_type=EventType.DELIVERY_EXCEPTION,
    description="A delivery attempt failed; the comment says why. A card may have several.",
    reason="Why the delivery failed, e.g. User not available.",
)
card_delivered = _feed(
    name="card_delivered",
    label="Cards delivered",
    event_type=EventType.DELIVERED,
    description="The card reached its holder.",
    reason="The courier's comment on the delivery.",
)
card_returned = _feed(
    name="card_returned",
    label="Cards returned",
    event_type=EventType.RETURNED,
    description="The card went back to the issuer.",
)

CARD_FEEDS = (card_pickup, card_delivery_exception, card_delivered, card_returned)
