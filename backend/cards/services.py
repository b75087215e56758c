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
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from cards.models import EVENT_PRECEDENCE, FINAL_EVENT_TYPES, CardEvent, CardStatus
from config.sql_arrays import TextArray
from datasets.registry import BatchLoaded

# SQLite takes at most 32 766 parameters a statement; PostgreSQL takes the cards as one array.
_SQLITE_CHUNK = 5000


def _refresh_sql(card_count: int) -> str:
    qn = connection.ops.quote_name
    events, statuses = qn(CardEvent._meta.db_table), qn(CardStatus._meta.db_table)
    precedence = " ".join(f"WHEN '{kind.value}' THEN {rank}" for kind, rank in EVENT_PRECEDENCE.items())
    finals = ", ".join(f"'{kind.value}'" for kind in FINAL_EVENT_TYPES)
    # A status that did not change is not written again: re-importing a file changes nothing.
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(
        f"{statuses}.{c} {distinct} excluded.{c}"
        for c in ("status", "status_at", "mobile", "anomaly", "anomaly_reason", "events_count")
    )
    columns = "(workspace_id, card_id, status, status_at, mobile, anomaly, anomaly_reason, events_count, updated_at)"
    upsert = f"""
        ON CONFLICT (workspace_id, card_id) DO UPDATE SET
            status = excluded.status, status_at = excluded.status_at, mobile = excluded.mobile,
            anomaly = excluded.anomaly, anomaly_reason = excluded.anomaly_reason,
            events_count = excluded.events_count, updated_at = excluded.updated_at
        WHERE {changed}
    """
    # One pass over the cards' events in rule order (driven by the list of cards, so each card
    # is an index lookup), window functions to place the status event, the first final event
    # and the latest mobile, and one aggregate per card to pick them out: no self-joins.
    status_pos = "COALESCE(last_final, n)"
    ranked = f"""
            SELECT e.card_id, e.event_type, e.event_at, e.mobile,
                   CASE WHEN e.event_type IN ({finals}) THEN 1 ELSE 0 END AS final,
                   ROW_NUMBER() OVER w AS pos,
                   LAG(e.event_type) OVER w AS previous_type
            FROM {{source}}
            WINDOW w AS (PARTITION BY e.card_id ORDER BY e.event_at, CASE e.event_type {precedence} ELSE 0 END)
    """
    placed_status = """
        placed AS (
            SELECT ranked.*,
                   COUNT(*) OVER p AS n,
                   MIN(CASE WHEN final = 1 THEN pos END) OVER p AS first_final,
                   MAX(CASE WHEN final = 1 THEN pos END) OVER p AS last_final,
                   MAX(CASE WHEN mobile IS NOT NULL THEN pos END) OVER p AS mobile_pos
            FROM ranked
            WINDOW p AS (PARTITION BY card_id)
        )
    """
    placed_select = f"""
        SELECT %s, card_id,
               MAX(CASE WHEN pos = {status_pos} THEN event_type END),
               MAX(CASE WHEN pos = {status_pos} THEN event_at END),
               COALESCE(
                   MAX(CASE WHEN pos = {status_pos} THEN mobile END), MAX(CASE WHEN pos = mobile_pos THEN mobile END)
               ),
               CASE WHEN MAX(first_final) < MAX(n) THEN 1 = 1 ELSE 1 = 0 END,
               COALESCE(MAX(CASE WHEN pos = first_final + 1 THEN event_type || ' after ' || previous_type END), ''),
               MAX(n), %s
        FROM placed
        GROUP BY card_id
    """
    if connection.vendor != "postgresql":
        cards = ", ".join(["(%s)"] * card_count)
        source = f"cards c JOIN {events} e ON e.workspace_id = %s AND e.card_id = c.card_id"
        return f"""
            WITH cards (card_id) AS (VALUES {cards}),
            ranked AS ({ranked.format(source=source)}),
            {placed_status}
            INSERT INTO {statuses} {columns}
            {placed_select}
            {upsert}
        """
    # The cards come as one array: a VALUES list of thousands of rows costs more to plan than the
    # statement takes to run. LATERAL (kept apart by its window) makes each card an index lookup
    # even while the table's statistics lag behind a bulk load; they would otherwise plan a scan
    # of all the workspace's events for every batch.
    # A card with one event (every card of a first feed) has that event as its status and no
    # anomaly: it skips the sort and the windows, which only the cards with more events go through.
    return f"""
        WITH looked AS MATERIALIZED (
            SELECT e.*
            FROM unnest(%s) AS c (card_id)
            CROSS JOIN LATERAL (SELECT card_id, event_type, event_at, mobile, COUNT(*) OVER () AS n FROM {events}
                                WHERE workspace_id = %s AND card_id = c.card_id) AS e
        ),
        ranked AS ({ranked.format(source="looked e WHERE e.n > 1")}),
        {placed_status}
        INSERT INTO {statuses} {columns}
        SELECT %s, card_id, event_type, event_at, mobile, 1 = 0, '', 1, %s FROM looked WHERE n = 1
        UNION ALL
        {placed_select}
        {upsert}
    """


def _refresh_params(*, chunk: list[str], workspace_id: int, now: datetime) -> list[Any]:
    if connection.vendor != "postgresql":
        return [*chunk, workspace_id, workspace_id, now]
    return [TextArray(chunk), workspace_id, workspace_id, now, workspace_id, now]


def card_statuses_refresh(*, workspace_id: int, card_ids: Iterable[str], events_removed: bool = False) -> None:
    """Recompute the status of these cards from all their stored events.

    ``events_removed``: some of their events were deleted (a revert), so a card may have none
    left, and then it has no status either.
    """
    unique = sorted(set(card_ids))
    now = timezone.now()
    with connection.cursor() as cursor:
        size = len(unique) if connection.vendor == "postgresql" else _SQLITE_CHUNK
        for start in range(0, len(unique), max(size, 1)):
            chunk = unique[start : start + size]
            cursor.execute(_refresh_sql(len(chunk)), _refresh_params(chunk=chunk, workspace_id=workspace_id, now=now))
            if events_removed:
                CardStatus.objects.filter(workspace_id=workspace_id, card_id__in=chunk).exclude(
                    card_id__in=CardEvent.objects.filter(workspace_id=workspace_id, card_id__in=chunk).values("card_id")
                ).delete()


def card_statuses_after_batch(loaded: BatchLoaded) -> None:
    """The card feeds' batch hook: the cards a batch brought (or took) events for get their status again."""
    card_statuses_refresh(
        workspace_id=loaded.workspace_id,
        card_ids=(values[0] for values in loaded.hook_values),
        events_removed=loaded.removed,
    )
