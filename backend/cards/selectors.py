"""Reads of the cards app: where a card is, found by its id or its holder's mobile."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from rest_framework import status

from accounts.models import Workspace
from cards.datasets import FEED_PHONE_REGION
from cards.models import EVENT_PRECEDENCE, CardEvent, CardStatus
from config.errors import ApplicationError
from datasets.columns import CellError, phone
from datasets.registry import dataset_list

_mobile_parse = phone(region=FEED_PHONE_REGION)


@dataclass(frozen=True)
class CardFound:
    status: CardStatus
    # In time order, oldest first; None unless the history was asked for.
    events: list[CardEvent] | None


def card_status_find(
    *, workspace: Workspace, card_id: str = "", user_mobile: str = "", history: bool = False
) -> list[CardFound]:
    """The cards with this id, or held by this mobile (written in any usual form).

    Exactly one of ``card_id`` and ``user_mobile``; none found is a 404.
    """
    card_id, user_mobile = card_id.strip(), user_mobile.strip()
    if bool(card_id) == bool(user_mobile):
        message = "Give exactly one of card_id and user_mobile."
        raise ApplicationError(message, code="invalid", fields={"card_id": [message], "user_mobile": [message]})
    statuses = CardStatus.objects.filter(workspace=workspace).order_by("card_id")
    if card_id:
        statuses = statuses.filter(card_id=card_id)
        searched = f"card {card_id!r}"
    else:
        try:
            mobile = _mobile_parse(user_mobile)
        except CellError as error:
            raise ApplicationError(
                f"user_mobile {error}", code="invalid", fields={"user_mobile": [str(error)]}
            ) from None
        statuses = statuses.filter(mobile=mobile)
        searched = f"mobile {mobile}"
    found = list(statuses[:100])
    if not found:
        raise ApplicationError(
            f"No card found for {searched}.", code="not_found", status_code=status.HTTP_404_NOT_FOUND
        )
    if not history:
        return [CardFound(status=s, events=None) for s in found]
    by_card: dict[str, list[CardEvent]] = {s.card_id: [] for s in found}
    for event in card_event_list(workspace=workspace, card_ids=list(by_card)):
        by_card[event.card_id].append(event)
    return [CardFound(status=s, events=by_card[s.card_id]) for s in found]


def card_event_list(*, workspace: Workspace, card_ids: list[str]) -> list[CardEvent]:
    """The cards' events in the order the status rule reads them."""
    events: QuerySet[CardEvent] = CardEvent.objects.filter(workspace=workspace, card_id__in=card_ids)
    return sorted(events, key=lambda e: (e.event_at, EVENT_PRECEDENCE.get(e.event_type, 0)))  # type: ignore[call-overload]


def card_feed_dataset_names() -> dict[str, str]:
    """Event type -> the dataset (feed) that brings it."""
    return {
        str(d.constants["event_type"]): d.name
        for d in dataset_list()
        if d.model is CardEvent and "event_type" in d.constants
    }
