"""Writes of the cards app: a card's current status, derived from its events.

The status is recomputed from a card's whole history every time a batch brings an event for it,
so it is the same whatever the order of files and batches, and after any re-run. The rule:

- events are ordered by time, and on equal times by precedence (returned > delivered >
  delivery exception > pickup);
- the status is the last event in that order, unless the card reached a final status
  (delivered, returned): then only a later final event changes it;
- anything after the first final event (a pickup or exception after delivery, a return after
  delivery, a re-delivery after a return) marks the card with an anomaly, named after the first
  such event.

One SQL statement does it for every card of a batch, on PostgreSQL and SQLite alike, inside the
batch's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from cards.models import EVENT_PRECEDENCE, FINAL_EVENT_TYPES, CardEvent, CardStatus
from datasets.registry import BatchLoaded

# SQLite takes at most 32 766 parameters a statement; batches hold 2 000 rows by default.
_CHUNK = 5000


def _refresh_sql(card_count: int) -> str:
    qn = connection.ops.quote_name
    events, statuses = qn(CardEvent._meta.db_table), qn(CardStatus._meta.db_table)
    precedence = " ".join(f"WHEN '{kind.value}' THEN {rank}" for kind, rank in EVENT_PRECEDENCE.items())
    finals = ", ".join(f"'{kind.value}'" for kind in FINAL_EVENT_TYPES)
    cards = ", ".join(["%s"] * card_count)
    # A status that did not change is not written again: re-importing a file changes nothing.
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(
        f"{statuses}.{c} {distinct} excluded.{c}"
        for c in ("status", "status_at", "mobile", "anomaly", "anomaly_reason", "events_count")
    )
    return f"""
        WITH ordered AS (
            SELECT card_id, event_type, event_at, mobile,
                   CASE WHEN event_type IN ({finals}) THEN 1 ELSE 0 END AS final,
                   ROW_NUMBER() OVER (
                       PARTITION BY card_id ORDER BY event_at, CASE event_type {precedence} ELSE 0 END
                   ) AS pos
            FROM {events}
            WHERE workspace_id = %s AND card_id IN ({cards})
        ),
        summary AS (
            SELECT card_id, COUNT(*) AS n,
                   MIN(CASE WHEN final = 1 THEN pos END) AS first_final,
                   COALESCE(MAX(CASE WHEN final = 1 THEN pos END), MAX(pos)) AS status_pos,
                   MAX(CASE WHEN mobile IS NOT NULL THEN pos END) AS mobile_pos
            FROM ordered GROUP BY card_id
        )
        INSERT INTO {statuses}
            (workspace_id, card_id, status, status_at, mobile, anomaly, anomaly_reason, events_count, updated_at)
        SELECT %s, s.card_id, st.event_type, st.event_at, COALESCE(st.mobile, mo.mobile),
               CASE WHEN s.first_final < s.n THEN 1 = 1 ELSE 1 = 0 END,
               CASE WHEN s.first_final < s.n THEN nx.event_type || ' after ' || ff.event_type ELSE '' END,
               s.n, %s
        FROM summary s
        JOIN ordered st ON st.card_id = s.card_id AND st.pos = s.status_pos
        LEFT JOIN ordered mo ON mo.card_id = s.card_id AND mo.pos = s.mobile_pos
        LEFT JOIN ordered ff ON ff.card_id = s.card_id AND ff.pos = s.first_final
        LEFT JOIN ordered nx ON nx.card_id = s.card_id AND nx.pos = s.first_final + 1
        WHERE 1 = 1
        ON CONFLICT (workspace_id, card_id) DO UPDATE SET
            status = excluded.status, status_at = excluded.status_at, mobile = excluded.mobile,
            anomaly = excluded.anomaly, anomaly_reason = excluded.anomaly_reason,
            events_count = excluded.events_count, updated_at = excluded.updated_at
        WHERE {changed}
    """


def card_statuses_refresh(*, workspace_id: int, card_ids: Iterable[str]) -> None:
    """Recompute the status of these cards from all their stored events."""
    unique = sorted(set(card_ids))
    now = timezone.now()
    with connection.cursor() as cursor:
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            cursor.execute(_refresh_sql(len(chunk)), [workspace_id, *chunk, workspace_id, now])


def card_statuses_after_batch(loaded: BatchLoaded) -> None:
    """The card feeds' batch hook: the cards a batch brought events for get their status again."""
    card_statuses_refresh(workspace_id=loaded.workspace_id, card_ids=(values[0] for values in loaded.hook_values))
