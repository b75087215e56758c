"""Typed per-row outcomes. The job's counters are sums of these and nothing else."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

Errors = dict[str, list[str]]
RECORD = "__all__"


class RowOutcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    # A stored row the file gives again with the same values (update policy): not written.
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    INVALID = "invalid"


@dataclass(slots=True)
class RejectedRow:
    row_number: int
    raw_data: str
    errors: Errors


@dataclass
class BatchResult:
    """What happened to every record of one batch."""

    last_row: int = 0
    tally: Counter[RowOutcome] = field(default_factory=Counter)
    rejected: list[RejectedRow] = field(default_factory=list)

    def add(self, outcome: RowOutcome, count: int = 1) -> None:
        if count:
            self.tally[outcome] += count

    def reject(self, row: RejectedRow) -> None:
        self.rejected.append(row)
        self.tally[RowOutcome.INVALID] += 1

    @property
    def processed(self) -> int:
        return sum(self.tally.values())

    def counter_increments(self, *, recounted_failed: int = 0) -> dict[str, int]:
        """The job counters this batch adds to: the only place outcomes become counters.

        ``recounted_failed``: rows of this batch the job has counted as failed already (rejected
        rows given again): they move from failed to their new outcome instead of adding to
        processed.
        """
        return {
            "processed_rows": self.processed - recounted_failed,
            "created_rows": self.tally[RowOutcome.CREATED],
            "updated_rows": self.tally[RowOutcome.UPDATED],
            "unchanged_rows": self.tally[RowOutcome.UNCHANGED],
            "skipped_rows": self.tally[RowOutcome.SKIPPED],
            "failed_rows": self.tally[RowOutcome.INVALID] - recounted_failed,
        }
