"""Four small partner feeds written the way partners send them, and what they imply."""

from __future__ import annotations

from datetime import UTC, datetime

PICKUP = (
    b"ID ,Card ID,User Mobile,Timestamp\n"
    b"1,C-1,585949014,2023-11-12T08:00:00Z\n"
    b'2,C-2,"""0585949014""",12-11-2023 11:59 PM\n'
    b"3,C-3,971534534534   ,12-11-2023 09:00\n"
    b"4,C-4,+971 58 594 9014,12-11-2023 10:00\n"
)
EXCEPTIONS = (
    b"ID,Card ID,User contact,Timestamp,Comment\n"
    b"1,C-1,585949014,13-11-2023 14:00,User not available\n"
    b"2,C-1,585949014,14-11-2023 12:00PM,Address not found\n"
    b"3,C-3,971534534534,13-11-2023 10:00,User not available\n"
    b"4,C-2,0585949014,2023-11-13T09:34:56Z,Wrong address\n"
)
DELIVERED = (
    b"ID,Card ID,User contact,Timestamp,Comment\n"
    b"1,C-1,585949014,15-11-2023 10:00,Delivered to holder\n"
    b"2,C-2,0585949014,13-11-2023 13:34,Left with guard\n"
)
# No newline at the end, as some partners send it.
RETURNED = (
    b"ID,Card ID,User contact,Timestamp\n1,C-3,971534534534,16-11-2023 09:00\n2,C-4,+971585949014,12-11-2023 10:00"
)

FEEDS = {
    "card_pickup": PICKUP,
    "card_delivery_exception": EXCEPTIONS,
    "card_delivered": DELIVERED,
    "card_returned": RETURNED,
}


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# card -> (status, status time, mobile, anomaly, anomaly reason, events)
EXPECTED = {
    # Two exceptions, then delivered: a plain delivery.
    "C-1": ("delivered", utc(2023, 11, 15, 6), "+971585949014", False, "", 4),
    # An exception 56 s after the delivery (13:34 Dubai = 09:34Z): stays delivered, anomaly.
    "C-2": ("delivered", utc(2023, 11, 13, 9, 34), "+971585949014", True, "delivery_exception after delivered", 3),
    "C-3": ("returned", utc(2023, 11, 16, 5), "+971534534534", False, "", 3),
    # Pickup and return at the same minute: returned wins.
    "C-4": ("returned", utc(2023, 11, 12, 6), "+971585949014", False, "", 2),
}
