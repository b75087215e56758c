"""The status rule, case by case, on events written straight to the table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cards.models import CardEvent, CardStatus
from cards.services import card_statuses_refresh

pytestmark = pytest.mark.django_db

T0 = datetime(2023, 11, 13, 8, 0, tzinfo=UTC)


def status_after(workspace, events: list[tuple[str, int]]) -> tuple[str, datetime, bool, str]:
    """Store ``(event type, minutes after T0)`` events for one card and refresh its status."""
    for event_type, minutes in events:
        CardEvent.objects.create(
            workspace=workspace, card_id="C", event_type=event_type, event_at=T0 + timedelta(minutes=minutes)
        )
    card_statuses_refresh(workspace_id=workspace.pk, card_ids=["C"])
    status = CardStatus.objects.get(workspace=workspace, card_id="C")
    return status.status, status.status_at, status.anomaly, status.anomaly_reason


@pytest.mark.parametrize(
    ("events", "status", "at", "anomaly", "reason"),
    [
        ([("pickup", 0)], "pickup", 0, False, ""),
        ([("pickup", 0), ("delivery_exception", 5)], "delivery_exception", 5, False, ""),
        ([("delivery_exception", 5), ("pickup", 0)], "delivery_exception", 5, False, ""),
        ([("pickup", 9), ("delivery_exception", 5)], "pickup", 9, False, ""),
        ([("pickup", 0), ("delivery_exception", 5), ("delivered", 9)], "delivered", 9, False, ""),
        # Equal times: returned > delivered > delivery exception > pickup.
        ([("delivery_exception", 0), ("pickup", 0)], "delivery_exception", 0, False, ""),
        ([("pickup", 0), ("delivered", 0)], "delivered", 0, False, ""),
        ([("returned", 0), ("pickup", 0)], "returned", 0, False, ""),
        ([("delivered", 0), ("returned", 0)], "returned", 0, True, "returned after delivered"),
        # Final statuses hold against later pickups and exceptions, which mark the card.
        ([("delivered", 5), ("pickup", 9)], "delivered", 5, True, "pickup after delivered"),
        ([("delivered", 5), ("delivery_exception", 9)], "delivered", 5, True, "delivery_exception after delivered"),
        ([("returned", 5), ("delivery_exception", 9)], "returned", 5, True, "delivery_exception after returned"),
        # Only a later final event moves a final status, and marks the card too.
        ([("delivered", 5), ("returned", 9)], "returned", 9, True, "returned after delivered"),
        ([("returned", 5), ("delivered", 9)], "delivered", 9, True, "delivered after returned"),
        ([("delivered", 5), ("pickup", 7), ("returned", 9)], "returned", 9, True, "pickup after delivered"),
        ([("delivered", 5), ("delivered", 9)], "delivered", 9, True, "delivered after delivered"),
        # Events before the final one are history, not anomalies.
        ([("delivery_exception", 1), ("pickup", 0), ("returned", 9)], "returned", 9, False, ""),
    ],
)
def test_the_status_follows_the_precedence_rules(workspace, events, status, at, anomaly, reason):
    assert status_after(workspace, events) == (status, T0 + timedelta(minutes=at), anomaly, reason)


def test_a_refresh_counts_the_events_and_keeps_the_latest_known_mobile(workspace):
    CardEvent.objects.create(workspace=workspace, card_id="C", event_type="pickup", event_at=T0, mobile="+971500000001")
    CardEvent.objects.create(
        workspace=workspace, card_id="C", event_type="delivered", event_at=T0 + timedelta(hours=1), mobile=None
    )
    card_statuses_refresh(workspace_id=workspace.pk, card_ids=["C", "C"])
    status = CardStatus.objects.get()
    assert (status.status, status.mobile, status.events_count) == ("delivered", "+971500000001", 2)


def test_a_refresh_that_changes_nothing_writes_nothing(workspace):
    status_after(workspace, [("pickup", 0)])
    written = CardStatus.objects.get().updated_at
    card_statuses_refresh(workspace_id=workspace.pk, card_ids=["C"])
    assert CardStatus.objects.get().updated_at == written


def test_cards_of_other_workspaces_are_not_touched(workspace, other_workspace):
    CardEvent.objects.create(workspace=other_workspace, card_id="C", event_type="pickup", event_at=T0)
    status_after(workspace, [("delivered", 0)])
    assert CardStatus.objects.filter(workspace=other_workspace).count() == 0
    card_statuses_refresh(workspace_id=other_workspace.pk, card_ids=["C"])
    assert CardStatus.objects.get(workspace=other_workspace).status == "pickup"
    assert CardStatus.objects.get(workspace=workspace).status == "delivered"


def test_one_refresh_of_cards_with_one_and_with_several_events_gives_each_its_own_status(workspace):
    # Cards with a single event take a shorter way through the statement than the others.
    for card_id, event_type, minutes, mobile in [
        ("A", "pickup", 0, "+971500000001"),
        ("B", "pickup", 0, "+971500000002"),
        ("B", "delivered", 5, None),
        ("B", "pickup", 9, None),
        ("C", "returned", 3, None),
    ]:
        CardEvent.objects.create(
            workspace=workspace, card_id=card_id, event_type=event_type, event_at=T0 + timedelta(minutes=minutes),
            mobile=mobile,
        )  # fmt: skip
    card_statuses_refresh(workspace_id=workspace.pk, card_ids=["C", "A", "B"])
    assert [
        (s.card_id, s.status, s.status_at, s.mobile, s.anomaly, s.anomaly_reason, s.events_count)
        for s in CardStatus.objects.order_by("card_id")
    ] == [
        ("A", "pickup", T0, "+971500000001", False, "", 1),
        ("B", "delivered", T0 + timedelta(minutes=5), "+971500000002", True, "pickup after delivered", 3),
        ("C", "returned", T0 + timedelta(minutes=3), None, False, "", 1),
    ]
