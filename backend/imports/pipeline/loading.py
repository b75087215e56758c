"""Loading validated rows into a dataset's table. One interface, two loaders.

PostgreSQL: the batch is copied with ``COPY`` into a temporary staging table, then moved with
one ``INSERT … SELECT … ON CONFLICT … RETURNING`` that also tells which rows were created or
updated. Other databases (SQLite, the embedded default): the ORM's bulk operations with the
same semantics.

Both tell "a key taken by an earlier row of this same file" from "a key already stored" by the
provenance columns every target row carries (``source_job_id``, ``source_row_number``), so the
check costs no memory however large the file.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, Protocol

import psycopg2
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from config.sql_arrays import IntegerArray
from datasets.registry import Dataset
from imports.pipeline.results import Errors

# Bytes handed to PostgreSQL per call during COPY. psycopg2 reads the buffer in chunks (8 KiB by
# default) and takes the GIL back for each one, which the reader thread makes slow; one batch is a
# few hundred KiB, so it goes in one or two calls.
COPY_CHUNK = 1 << 20

# (row_number, values in the dataset's column order)
ValidRow = tuple[int, tuple[Any, ...]]


@dataclass
class LoadOutcome:
    created: int = 0
    updated: int = 0
    # Stored rows given again with the same values (update policy): not written.
    unchanged: int = 0
    skipped: int = 0
    # row_number -> errors, for rows the table refused (their key is taken)
    rejected: dict[int, Errors] = field(default_factory=dict)


@dataclass(slots=True)
class CopyRows:
    """A batch's valid rows as COPY reads them, with their row numbers: PostgreSQL's binary
    format, or CSV text when a column has a type the binary payload does not cover.

    Made where the file is read (possibly another process), so the loading side only ships bytes.
    """

    text: str
    row_numbers: list[int]
    binary: bytes = b""


class Loader(Protocol):
    def prepare(self, rows: Sequence[ValidRow]) -> Any:
        """The rows in the form ``load`` takes; runs where the file is read, needs no database."""
        ...

    def load(self, prepared: Any) -> LoadOutcome: ...

    def close(self) -> None:
        """Release what the loader keeps on the connection between batches."""
        ...


@dataclass(frozen=True)
class LoadTarget:
    dataset: Dataset
    workspace_id: int
    job_id: uuid.UUID
    on_conflict: str  # "error" | "skip" | "update"
    # Classify every row exactly as a load would, and write none (see PostgresDryRunLoader).
    dry_run: bool = False

    @property
    def fields(self) -> list[str]:
        """The model fields of the values, in the dataset's column order."""
        return [c.model_field for c in self.dataset.columns]

    @property
    def constant_fields(self) -> list[str]:
        return list(self.dataset.constants)

    @property
    def key_fields(self) -> list[str]:
        return [self.dataset.key_field(k) for k in self.dataset.key_columns]

    def key_positions(self) -> list[int]:
        names = [c.name for c in self.dataset.columns]
        return [names.index(k) for k in self.dataset.file_key_columns]

    def conflict_errors(self, *, key: tuple[Any, ...], other_job: uuid.UUID | None, other_row: int | None) -> Errors:
        columns = self.dataset.file_key_columns
        label = "/".join(columns)
        shown = "/".join(str(k) for k in key)
        if other_job == self.job_id:
            return {columns[0]: [f"duplicate {label} in this file (first at row {other_row})"]}
        return {columns[0]: [f"{label} {shown} already exists"]}


def _copy_csv_fields(values: Sequence[Any]) -> str:
    """Values as the fields of one CSV line (no terminator), the way COPY reads them."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def _copy(cursor: Any, sql: str, prepared: CopyRows) -> None:
    """COPY a batch's payload, in binary or CSV text (``sql`` names no format; it is added)."""
    if prepared.binary:
        cursor.copy_expert(f"{sql} WITH (FORMAT binary)", io.BytesIO(prepared.binary), size=COPY_CHUNK)
    else:
        cursor.copy_expert(f"{sql} WITH (FORMAT csv)", io.StringIO(prepared.text), size=COPY_CHUNK)


def _as_list(column: Any) -> list[Any]:
    return column.to_pylist() if hasattr(column, "to_pylist") else list(column)


class _BinaryPayload:
    """A batch's rows as PostgreSQL's binary COPY format, encoded from arrow columns by pgpq.

    Every column is sent in its own binary form (no text for PostgreSQL to parse: timestamps as
    text alone cost it about a microsecond a row), in the order of the COPY statements: the
    row number, the values, the constant columns, workspace, job, created and updated. ``usable``
    is False when a column has a type without a binary encoding here; the text payload serves.
    """

    def __init__(self, target: LoadTarget, model_fields: list[Any], meta: Any) -> None:
        from imports.pipeline.acceptors import arrow_type_name

        self.target = target
        db_types = [
            meta.get_field("source_row_number").db_type(connection),
            *(f.db_type(connection) for f in model_fields),
            meta.get_field("workspace").target_field.rel_db_type(connection),
            "uuid",
            "timestamp with time zone",
            "timestamp with time zone",
        ]
        names = [arrow_type_name(t) for t in db_types]
        self.usable = all(name is not None for name in names)
        # By name: pyarrow is imported where the payload is made (the reading side), not here.
        self.type_names: list[str] = [name for name in names if name is not None]
        self.value_type_names = self.type_names[1 : 1 + len(target.fields)]
        self.constants = list(target.dataset.constants.values())
        self._schema: Any = None

    @property
    def value_types(self) -> list[Any]:
        from imports.pipeline.columnar import arrow_type

        return [arrow_type(name) for name in self.value_type_names]

    def encode(self, *, row_numbers: Any, columns: list[Any]) -> CopyRows:
        import numpy as np
        import pgpq
        import pyarrow as pa

        from imports.pipeline.columnar import arrow_type

        if self._schema is None:
            self.types = [arrow_type(name) for name in self.type_names]
            self._schema = pa.schema([pa.field(f"c{i}", t) for i, t in enumerate(self.types)])
            self._value_types = self.types[1 : 1 + len(self.value_type_names)]
        count = len(row_numbers)
        target, types = self.target, self.types
        numbers = np.asarray(row_numbers, dtype=np.int64)
        arrays: list[pa.Array] = [pa.array(numbers).cast(types[0])]
        for column, value_type in zip(columns, self._value_types, strict=True):
            arrays.append(column if isinstance(column, pa.Array) else pa.array(column, value_type))
        offset = 1 + len(columns)
        constants = [*self.constants, target.workspace_id, target.job_id.bytes, timezone.now(), None]
        for i, value in enumerate(constants[:-1]):
            arrays.append(pa.repeat(pa.scalar(value, types[offset + i]), count))
        arrays.append(arrays[-1])  # updated_at is created_at
        batch = pa.RecordBatch.from_arrays(arrays, schema=self._schema)
        encoder = pgpq.ArrowToPostgresBinaryEncoder(self._schema)
        data = b"".join([encoder.write_header(), encoder.write_batch(batch), encoder.finish()])
        return CopyRows(text="", row_numbers=numbers.tolist(), binary=data)


def _column(model_field: Any) -> str:
    """The database column of a concrete model field."""
    return str(model_field.column)


def _same_values_sql(left: str, right: str, columns: Sequence[str], *, distinct: bool = False) -> str:
    """Whether two rows hold the same values in these columns, as one row-value comparison (NULL
    equals NULL): ``(l.a, l.b) IS NOT DISTINCT FROM (r.a, r.b)``; ``distinct`` asks the opposite.
    No column to compare: the rows are the same."""
    if not columns:
        return "false" if distinct else "true"
    operator = "IS DISTINCT FROM" if distinct else "IS NOT DISTINCT FROM"
    return f"({', '.join(f'{left}.{c}' for c in columns)}) {operator} ({', '.join(f'{right}.{c}' for c in columns)})"


def _lateral(table: str, condition: str, *, alias: str = "t") -> str:
    """The rows of ``table`` matching each row of the stage, to LEFT JOIN: one index lookup per
    staged row, always. As a plain join, PostgreSQL plans from the table's statistics, which lag
    behind a bulk load (a table of a million rows read as a few hundred), and then hashes the
    whole table for every batch; the LATERAL subquery (kept apart by OFFSET 0) cannot be."""
    return f"LATERAL (SELECT * FROM {table} {alias} WHERE {condition} OFFSET 0) {alias} ON true"


def loader_for(target: LoadTarget) -> Loader:
    if connection.vendor == "postgresql":
        return PostgresDryRunLoader(target) if target.dry_run else PostgresCopyLoader(target)
    return OrmDryRunLoader(target) if target.dry_run else OrmLoader(target)


class PostgresCopyLoader:
    def __init__(self, target: LoadTarget) -> None:
        self.target = target
        model = target.dataset.model
        meta = model._meta
        qn = connection.ops.quote_name
        self.table = qn(meta.db_table)
        # Per job: several datasets may load into one table with different columns, and one
        # connection serves job after job, so a stage shared by table name would be reused with
        # another dataset's shape. Dropped when the job's run ends (``close``).
        self.stage = qn(f"intake_stage_{target.job_id.hex}")
        model_fields: list[Any] = [meta.get_field(name) for name in target.fields]
        constant_fields: list[Any] = [meta.get_field(name) for name in target.constant_fields]
        value_columns = [qn(_column(f)) for f in model_fields]
        constant_columns = [qn(_column(f)) for f in constant_fields]
        keys = [qn(_column(meta.get_field(name))) for name in target.key_fields]
        workspace_column = qn(_column(meta.get_field("workspace")))
        # Direct COPY and staging take the same text: row number, values, then the constant
        # columns (the dataset's, then provenance).
        workspace_type = meta.get_field("workspace").target_field.rel_db_type(connection)  # type: ignore[union-attr]
        row_type = meta.get_field("source_row_number").db_type(connection)  # type: ignore[union-attr]
        stage_columns = ", ".join(
            [
                f"{workspace_column} {workspace_type}",
                "source_job_id uuid",
                # The type of source_row_number, so direct COPY and staging take the same payload.
                f"_row {row_type} NOT NULL",
                "created_at timestamp with time zone",
                "updated_at timestamp with time zone",
                *(f"{qn(_column(f))} {f.db_type(connection)}" for f in [*model_fields, *constant_fields]),
            ]
        )
        # ON COMMIT DELETE ROWS empties the stage at the end of every batch transaction.
        self.create_stage_sql = (
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.stage} ({stage_columns}) ON COMMIT DELETE ROWS"
        )
        columns = [*value_columns, *constant_columns]
        column_list = ", ".join(columns)
        self.columns, self.keys, self.workspace_column = columns, keys, workspace_column
        # What tells an updated row from an unchanged one: every value but the key (equal by the
        # conflict) and the timestamps (set by the load, never read from the file).
        self.compared = [c for c in columns if c not in keys]
        self.typed_columns = [f"{qn(_column(f))} {f.db_type(connection)}" for f in [*model_fields, *constant_fields]]
        self.constants_text = _copy_csv_fields(list(target.dataset.constants.values()))
        self.copy_sql = (
            f"COPY {self.stage} (_row, {column_list}, {workspace_column}, source_job_id, created_at, updated_at) "
            f"FROM STDIN"
        )
        self.payload = _BinaryPayload(target, [*model_fields, *constant_fields], meta)
        insert = (
            f"INSERT INTO {self.table} AS t ({workspace_column}, {column_list}, source_job_id, "
            f"source_row_number, created_at, updated_at) "
            f"SELECT %(workspace)s, {column_list}, %(job)s, _row, created_at, updated_at FROM {self.stage} "
            f"ON CONFLICT ({workspace_column}, {', '.join(keys)}) "
        )
        # A staged row and its stored row: the same key; and whether they hold the same values.
        join = " AND ".join(f"t.{k} = s.{k}" for k in keys)
        same = _same_values_sql("t", "s", self.compared)
        self.before_sql = ""
        self.match = self.create_match_sql = self.match_sql = ""
        if target.on_conflict == "update":
            from imports.models import ImportRowBefore

            before = qn(ImportRowBefore._meta.db_table)
            pk = qn(meta.pk.column)
            # The stored row (not by this job) of each staged row, looked up once: its id and
            # whether it holds the same values. The before-images and the upsert below read this
            # small table instead of each looking every key up in the dataset's table again.
            # LATERAL: an index lookup per staged row, whatever the table's statistics say
            # (see _lateral).
            self.match = qn(f"intake_match_{target.job_id.hex}")
            pk_type = meta.pk.rel_db_type(connection)  # type: ignore[attr-defined]
            self.create_match_sql = (
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.match} "
                f"(_row {row_type} NOT NULL, record_id {pk_type} NOT NULL, same boolean NOT NULL) ON COMMIT DELETE ROWS"
            )
            self.match_sql = (
                # The stage empties at commit, and before each batch (``_load_staged``); inside a
                # caller's transaction this table may hold an earlier batch's matches.
                f"DELETE FROM {self.match}; "
                f"INSERT INTO {self.match} (_row, record_id, same) "
                f"SELECT s._row, t.{pk}, {same} FROM {self.stage} s JOIN "
                + _lateral(
                    self.table,
                    f"t.{workspace_column} = %(workspace)s AND {join} AND t.source_job_id IS DISTINCT FROM %(job)s",
                )
            )
            # The before-images of the rows the upsert below will update (stored, not by this
            # job, with other values), for a revert of the job. Locked, so the values saved are
            # the ones replaced (the condition is checked again on the locked row). An unchanged
            # row is neither locked here nor given an image.
            changed = _same_values_sql("t", "s", self.compared, distinct=True)
            self.before_sql = (
                f"INSERT INTO {before} (job_id, record_id, previous_job_id, data) "
                f"SELECT %(job)s, t.record_id, t.source_job_id, t.data "
                f"FROM {self.match} m JOIN {self.stage} s ON s._row = m._row CROSS JOIN LATERAL ("
                f"SELECT t.{pk} AS record_id, t.source_job_id, to_jsonb(t) AS data "
                f"FROM {self.table} t WHERE t.{pk} = m.record_id AND t.{workspace_column} = %(workspace)s "
                f"AND {join} AND t.source_job_id IS DISTINCT FROM %(job)s AND {changed} OFFSET 0 FOR UPDATE) t "
                f"WHERE NOT m.same"
            )
            assignments = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
            # The rows stored (not by this job) with the same values never reach the upsert,
            # which would lock (and so write) every row it finds, updated or not; they are
            # returned with a NULL outcome: unchanged.
            self.insert_sql = (
                f"WITH unchanged AS (SELECT _row FROM {self.match} WHERE same), "
                f"written AS (INSERT INTO {self.table} AS t ({workspace_column}, {column_list}, source_job_id, "
                f"source_row_number, created_at, updated_at) "
                f"SELECT %(workspace)s, {column_list}, %(job)s, _row, created_at, updated_at FROM {self.stage} s "
                f"WHERE NOT EXISTS (SELECT 1 FROM unchanged u WHERE u._row = s._row) "
                f"ON CONFLICT ({workspace_column}, {', '.join(keys)}) "
                f"DO UPDATE SET {assignments}, source_job_id = EXCLUDED.source_job_id, "
                f"source_row_number = EXCLUDED.source_row_number, updated_at = EXCLUDED.updated_at "
                # A row this job already wrote is a duplicate in the file, never overwritten.
                f"WHERE t.source_job_id IS DISTINCT FROM EXCLUDED.source_job_id "
                # Same values: not written (its timestamps and provenance stay), counted unchanged.
                f"AND {_same_values_sql('t', 'EXCLUDED', self.compared, distinct=True)} "
                # Only a row with its before-image: one another import inserted after the images
                # were taken is reported as stored, rather than overwritten beyond undoing.
                f"AND EXISTS (SELECT 1 FROM {before} b WHERE b.job_id = EXCLUDED.source_job_id "
                f"AND b.record_id = t.{pk}) "
                f"RETURNING source_row_number, (xmax = 0)) "
                f"SELECT _row, NULL FROM unchanged UNION ALL SELECT * FROM written"
            )
        else:
            self.insert_sql = insert + "DO NOTHING RETURNING source_row_number, true"
        # The fast path: COPY straight into the table, provenance columns included. It can only
        # succeed when no key of the batch is stored yet (then every row is created, whatever
        # the policy); a unique violation rolls back to a savepoint and the batch takes the
        # staging path, which classifies each row.
        self.direct_copy_sql = (
            f"COPY {self.table} (source_row_number, {column_list}, {workspace_column}, source_job_id, "
            f"created_at, updated_at) FROM STDIN"
        )
        self.direct = True
        file_keys = [qn(_column(meta.get_field(name))) for name in target.fields if name in self._file_key_fields()]
        self.file_keys = file_keys
        # ``same``: a file's identical repeat of a row is skipped where the dataset says so; a
        # stored row given again unchanged is not updated.
        # The keys come from the stage, so the loading side needs no values of the batch.
        self.conflicts_sql = (
            f"SELECT s._row, t.source_job_id, t.source_row_number, (t.{workspace_column} IS NOT NULL AND {same}), "
            f"{', '.join(f's.{k}' for k in file_keys)} "
            f"FROM {self.stage} s LEFT JOIN {_lateral(self.table, f't.{workspace_column} = %(workspace)s AND {join}')} "
            f"WHERE s._row = ANY(%(rows)s)"
        )

    def _file_key_fields(self) -> list[str]:
        dataset = self.target.dataset
        return [dataset.key_field(k) for k in dataset.file_key_columns]

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.stage}")
            if self.match:
                cursor.execute(f"DROP TABLE IF EXISTS {self.match}")

    def prepare(self, rows: Sequence[ValidRow]) -> CopyRows:
        if self.payload.usable:
            columns = list(zip(*(values for _, values in rows), strict=True)) if rows else []
            width = len(self.target.fields)
            return self.payload.encode(
                row_numbers=[row_number for row_number, _ in rows],
                columns=[list(c) for c in columns] if columns else [[] for _ in range(width)],
            )
        return self._prepare_text(rows)

    def prepare_columns(self, *, row_numbers: Any, columns: list[Any]) -> CopyRows:
        """Valid rows given as columns (arrow arrays or lists, in the dataset's column order)."""
        if self.payload.usable:
            return self.payload.encode(row_numbers=row_numbers, columns=columns)
        rows = list(zip([int(r) for r in row_numbers], zip(*(_as_list(c) for c in columns), strict=True), strict=True))
        return self._prepare_text(rows)

    def _prepare_text(self, rows: Sequence[ValidRow]) -> CopyRows:
        target = self.target
        buffer = io.StringIO()
        # The constant columns end every line, so they are formatted once per batch, as the line
        # terminator: half the time of writing them as fields of each row.
        stamp = timezone.now().isoformat()
        dataset_constants = f",{self.constants_text}" if self.constants_text else ""
        constants = f"{dataset_constants},{target.workspace_id},{target.job_id},{stamp},{stamp}\n"
        writer = csv.writer(buffer, lineterminator=constants)
        writer.writerows((row_number, *values) for row_number, values in rows)
        return CopyRows(text=buffer.getvalue(), row_numbers=[row_number for row_number, _ in rows])

    def load(self, prepared: CopyRows) -> LoadOutcome:
        count = len(prepared.row_numbers)
        if not count:
            return LoadOutcome()
        if self.direct and self._load_direct(prepared):
            return LoadOutcome(created=count)
        outcome = self._load_staged(prepared)
        # Try the fast path again once a batch shows no stored keys (e.g. the new half of a file).
        self.direct = outcome.created == count
        return outcome

    def _load_direct(self, prepared: CopyRows) -> bool:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _copy(cursor, self.direct_copy_sql, prepared)
        except (IntegrityError, psycopg2.IntegrityError):
            return False
        return True

    def _load_staged(self, prepared: CopyRows) -> LoadOutcome:
        outcome = LoadOutcome()
        target = self.target
        params: dict[str, Any] = {"workspace": target.workspace_id, "job": target.job_id}
        with connection.cursor() as cursor:
            cursor.execute(
                f"{self.create_stage_sql}; "
                # Empty at the start of a batch transaction (ON COMMIT DELETE ROWS), but a caller's
                # transaction may load several batches; the statements below read the whole stage.
                f"DELETE FROM {self.stage}"
            )
            _copy(cursor, self.copy_sql, prepared)
            if self.match:
                cursor.execute(self.create_match_sql)
                cursor.execute(self.match_sql, params)
                cursor.execute(self.before_sql, params)
            cursor.execute(self.insert_sql, params)
            written = cursor.fetchall()
            for _row, inserted in written:
                if inserted is None:
                    outcome.unchanged += 1
                elif inserted:
                    outcome.created += 1
                else:
                    outcome.updated += 1
            if len(written) == len(prepared.row_numbers):
                return outcome
            done = {row for row, _ in written}
            left = [row_number for row_number in prepared.row_numbers if row_number not in done]
            cursor.execute(self.conflicts_sql, {**params, "rows": IntegerArray(left)})
            conflicts = {row: (job, first, same, tuple(key)) for row, job, first, same, *key in cursor.fetchall()}
        skip_identical = target.dataset.skip_identical_rows
        for row_number in left:
            other_job, other_row, same, key = conflicts[row_number]
            if other_job != target.job_id and target.on_conflict == "skip":
                outcome.skipped += 1
                continue
            if other_job != target.job_id and same and target.on_conflict == "update":
                outcome.unchanged += 1
                continue
            if other_job == target.job_id and same and skip_identical:
                outcome.skipped += 1
                continue
            outcome.rejected[row_number] = target.conflict_errors(key=key, other_job=other_job, other_row=other_row)
        return outcome


DRY_RUN_TABLE_PREFIX = "intake_dryrun_"


def dry_run_claims_table(job_id: uuid.UUID) -> str:
    return f"{DRY_RUN_TABLE_PREFIX}{job_id.hex}"


class PostgresDryRunLoader(PostgresCopyLoader):
    """The outcome a load would have, row by row, with nothing written to the dataset's table.

    Exact without writing: a row's outcome depends on the stored table (read here, never
    written) and on the rows of this same file that were created or updated before it (the
    provenance columns tell those apart in a real load). Those rows are kept in a table of their
    own per job, ``intake_dryrun_<job>``, with the target's column types and a unique index on
    its key, so every comparison (key equality, "the same values" of an identical repeat) is the
    same SQL on the same types as the real load's, and memory stays flat whatever the file's size.

    Not a transaction rolled back at the end: it would hold the keys' locks (blocking real
    imports of the same keys) and the table's new rows for the whole run, and could not commit
    progress per batch. Not a TEMPORARY table: that ends with the session, and a dry run resumes
    after a lost worker from its checkpoint like any job, so its claims commit with each batch.
    The table is dropped when the job ends (``dry_run_claims_drop``; the watchdog drops any left
    behind).
    """

    def __init__(self, target: LoadTarget) -> None:
        super().__init__(target)
        qn = connection.ops.quote_name
        name = dry_run_claims_table(target.job_id)
        self.claims = qn(name)
        column_list = ", ".join(self.columns)
        self.create_claims_sql = [
            f"CREATE TABLE IF NOT EXISTS {self.claims} (_row integer NOT NULL, {', '.join(self.typed_columns)})",
            f"CREATE UNIQUE INDEX IF NOT EXISTS {qn(name + '_key')} ON {self.claims} ({', '.join(self.keys)})",
        ]
        same = _same_values_sql("d", "s", self.compared)
        # The real load's test of an unchanged row, on the stored row.
        unchanged = _same_values_sql("t", "s", self.compared)
        claimed = " AND ".join(f"d.{k} = s.{k}" for k in self.keys)
        stored = " AND ".join(f"t.{k} = s.{k}" for k in self.keys)
        self.classify_sql = (
            f"SELECT s._row, d._row, ({same}), t.{self.workspace_column} IS NOT NULL, ({unchanged}), "
            f"{', '.join(f's.{k}' for k in self.file_keys)} "
            f"FROM {self.stage} s LEFT JOIN {_lateral(self.claims, claimed, alias='d')} "
            f"LEFT JOIN {_lateral(self.table, f't.{self.workspace_column} = %(workspace)s AND {stored}')} "
            # The stage empties at commit; inside a caller's transaction it may hold earlier batches.
            f"WHERE s._row = ANY(%(rows)s)"
        )
        self.claim_sql = (
            f"INSERT INTO {self.claims} (_row, {column_list}) "
            f"SELECT _row, {column_list} FROM {self.stage} WHERE _row = ANY(%(rows)s)"
        )

    def load(self, prepared: CopyRows) -> LoadOutcome:
        if not prepared.row_numbers:
            return LoadOutcome()
        target = self.target
        with connection.cursor() as cursor:
            cursor.execute(self.create_stage_sql)
            for sql in self.create_claims_sql:
                cursor.execute(sql)
            _copy(cursor, self.copy_sql, prepared)
            cursor.execute(
                self.classify_sql, {"workspace": target.workspace_id, "rows": IntegerArray(prepared.row_numbers)}
            )
            rows = cursor.fetchall()
            outcome, claims = _dry_run_classify(
                target,
                (
                    (row, first, same, stored, unchanged, tuple(key))
                    for row, first, same, stored, unchanged, *key in rows
                ),
            )
            if claims:
                cursor.execute(self.claim_sql, {"rows": IntegerArray(claims)})
        return outcome


# (row, first row of the file with its key, same values as that row, key stored, same values as
# the stored row, key)
DryRunRow = tuple[int, int | None, bool, bool, bool, tuple[Any, ...]]


def _dry_run_classify(target: LoadTarget, rows: Iterable[DryRunRow]) -> tuple[LoadOutcome, list[int]]:
    """What a load does to each row; the rows that would be written claim their key for the rest
    of the file (an unchanged row is not written, so the stored row still decides for a later
    row with its key). The same decisions as the loaders' own, in the same order."""
    outcome = LoadOutcome()
    claims: list[int] = []
    skip_identical = target.dataset.skip_identical_rows
    for row_number, first_row, same, stored, stored_same, key in rows:
        if first_row is not None:
            # A real load finds this key written by its own job: a duplicate in the file.
            if same and skip_identical:
                outcome.skipped += 1
            else:
                outcome.rejected[row_number] = target.conflict_errors(
                    key=key, other_job=target.job_id, other_row=first_row
                )
        elif not stored:
            outcome.created += 1
            claims.append(row_number)
        elif target.on_conflict == "skip":
            outcome.skipped += 1
        elif target.on_conflict == "update" and stored_same:
            outcome.unchanged += 1
        elif target.on_conflict == "update":
            outcome.updated += 1
            claims.append(row_number)
        else:
            outcome.rejected[row_number] = target.conflict_errors(key=key, other_job=None, other_row=None)
    return outcome, claims


def dry_run_claims_drop(*, job_id: uuid.UUID) -> None:
    """Forget what a dry run kept of its file's keys, once it has ended."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(dry_run_claims_table(job_id))}")
    else:
        from imports.models import DryRunClaim

        DryRunClaim.objects.filter(job_id=job_id).delete()


def dry_run_claims_left() -> list[uuid.UUID]:
    """The jobs whose dry-run keys are still stored (PostgreSQL: one table per job)."""
    if connection.vendor != "postgresql":
        from imports.models import DryRunClaim

        return list(DryRunClaim.objects.order_by().values_list("job_id", flat=True).distinct())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
            [DRY_RUN_TABLE_PREFIX.replace("_", "\\_") + "%"],
        )
        names = [name for (name,) in cursor.fetchall()]
    found = []
    for name in names:
        try:
            found.append(uuid.UUID(hex=name.removeprefix(DRY_RUN_TABLE_PREFIX)))
        except ValueError:
            continue
    return found


class OrmLoader:
    def __init__(self, target: LoadTarget) -> None:
        self.target = target
        self.model = target.dataset.model

    def prepare(self, rows: Sequence[ValidRow]) -> Sequence[ValidRow]:
        return rows

    def close(self) -> None:
        pass

    def load(self, prepared: Sequence[ValidRow]) -> LoadOutcome:
        rows = prepared
        outcome = LoadOutcome()
        if not rows:
            return outcome
        target = self.target
        fields, key_positions = target.fields, target.key_positions()
        file_key_fields = [target.dataset.key_field(k) for k in target.dataset.file_key_columns]
        constants = dict(target.dataset.constants)
        stored = {
            tuple(found[f] for f in file_key_fields): found
            for condition in self._key_conditions(rows)
            for found in self.model.objects.filter(workspace_id=target.workspace_id, **constants)  # type: ignore[attr-defined]
            .filter(condition)
            .values("pk", "source_job_id", "source_row_number", "updated_at", *fields)
        }
        stored_by_pk = {found["pk"]: found for found in stored.values()}
        now = timezone.now()
        to_create, to_update = [], []
        # The values an update compares, as the PostgreSQL loader's: not the key, nor timestamps.
        compared = _compared_fields(target)
        for row_number, values in rows:
            key = tuple(values[i] for i in key_positions)
            data = dict(zip(fields, values, strict=True))
            existing = stored.get(key)
            if existing is None:
                to_create.append(
                    self.model(
                        workspace_id=target.workspace_id,
                        source_job_id=target.job_id,
                        source_row_number=row_number,
                        **data,
                        **constants,
                    )
                )
            elif existing["source_job_id"] != target.job_id and target.on_conflict == "skip":
                outcome.skipped += 1
            elif (
                existing["source_job_id"] != target.job_id
                and target.on_conflict == "update"
                and all(existing[f] == data[f] for f in compared)
            ):
                outcome.unchanged += 1
            elif existing["source_job_id"] != target.job_id and target.on_conflict == "update":
                to_update.append(
                    self.model(
                        pk=existing["pk"],
                        source_job_id=target.job_id,
                        source_row_number=row_number,
                        updated_at=now,
                        **data,
                        **constants,
                    )
                )
            elif (
                existing["source_job_id"] == target.job_id
                and target.dataset.skip_identical_rows
                and all(existing[f] == data[f] for f in fields)
            ):
                outcome.skipped += 1
            else:
                outcome.rejected[row_number] = target.conflict_errors(
                    key=key, other_job=existing["source_job_id"], other_row=existing["source_row_number"]
                )
        self.model.objects.bulk_create(to_create, batch_size=500)  # type: ignore[attr-defined]
        if to_update:
            self._before_images_save([stored_by_pk[row.pk] for row in to_update])
            self.model.objects.bulk_update(  # type: ignore[attr-defined]
                to_update, [*fields, "source_job_id", "source_row_number", "updated_at"], batch_size=500
            )
        outcome.created, outcome.updated = len(to_create), len(to_update)
        return outcome

    def _before_images_save(self, found: list[dict[str, Any]]) -> None:
        """The rows as they are before this batch updates them, for a revert of the job."""
        from imports.models import ImportRowBefore

        meta = self.model._meta
        constants = {_column(meta.get_field(name)): value for name, value in self.target.dataset.constants.items()}
        images = []
        for row in found:
            data = {_column(meta.get_field(name)): value for name, value in row.items() if name != "pk"}
            images.append(
                ImportRowBefore(
                    job_id=self.target.job_id,
                    record_id=row["pk"],
                    previous_job_id=row["source_job_id"],
                    data=json.loads(json.dumps({**data, **constants}, cls=_ExactJSONEncoder)),
                )
            )
        ImportRowBefore.objects.bulk_create(images, batch_size=500)

    def _key_conditions(self, rows: Sequence[ValidRow]) -> list[Q]:
        """Conditions matching the stored rows of the batch's keys, in chunks SQLite accepts."""
        dataset = self.target.dataset
        key_fields = [dataset.key_field(k) for k in dataset.file_key_columns]
        key_positions = self.target.key_positions()
        if len(key_fields) == 1:
            keys = [values[key_positions[0]] for _, values in rows]
            return [Q(**{f"{key_fields[0]}__in": keys[i : i + 900]}) for i in range(0, len(keys), 900)]
        lookups = [Q(**dict(zip(key_fields, (values[i] for i in key_positions), strict=True))) for _, values in rows]
        # A long OR chain nests one level per term; SQLite refuses expressions deeper than 1000.
        return [reduce(or_, lookups[i : i + 200]) for i in range(0, len(lookups), 200)]


def _compared_fields(target: LoadTarget) -> list[str]:
    """The file's fields an update compares (the dataset's constants are equal by the lookup)."""
    keys = set(target.key_fields)
    return [f for f in target.fields if f not in keys]


class _ExactJSONEncoder(DjangoJSONEncoder):
    """Datetimes to the microsecond (Django's encoder cuts them to milliseconds, as JavaScript does):
    a before-image is put back exactly."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class OrmDryRunLoader(OrmLoader):
    """The dry run on the ORM (SQLite, the embedded default): the stored table is read as
    OrmLoader reads it, and the keys this file would write are kept in DryRunClaim rows of the
    job, with the values as the database would store them, so an identical repeat compares as
    OrmLoader compares it (values read back from the table)."""

    def load(self, prepared: Sequence[ValidRow]) -> LoadOutcome:
        from imports.models import DryRunClaim

        rows = prepared
        if not rows:
            return LoadOutcome()
        target = self.target
        meta = self.model._meta
        fields: list[Any] = [meta.get_field(name) for name in target.fields]
        key_positions = target.key_positions()
        file_key_fields = [target.dataset.key_field(k) for k in target.dataset.file_key_columns]
        constants = dict(target.dataset.constants)
        compared = _compared_fields(target)
        # key -> the stored values an update compares, read back as OrmLoader reads them
        stored = {
            tuple(found[f] for f in file_key_fields): found
            for condition in self._key_conditions(rows)
            for found in self.model.objects.filter(workspace_id=target.workspace_id, **constants)  # type: ignore[attr-defined]
            .filter(condition)
            .values(*file_key_fields, *compared)
        }

        def as_stored(positions: Iterable[int], values: tuple[Any, ...]) -> str:
            return json.dumps([str(fields[i].get_db_prep_save(values[i], connection)) for i in positions])

        everything = range(len(fields))
        keys = {row_number: as_stored(key_positions, values) for row_number, values in rows}
        claimed: dict[str, tuple[int, str]] = {}
        wanted = list(keys.values())
        for start in range(0, len(wanted), 900):
            for key_text, first_row, values_text in DryRunClaim.objects.filter(
                job_id=target.job_id, key__in=wanted[start : start + 900]
            ).values_list("key", "row_number", "values"):
                claimed[key_text] = (first_row, values_text)
        decisions: list[DryRunRow] = []
        for row_number, values in rows:
            key = tuple(values[i] for i in key_positions)
            first = claimed.get(keys[row_number])
            same = first is not None and first[1] == as_stored(everything, values)
            found = stored.get(key)
            data = dict(zip(target.fields, values, strict=True))
            stored_same = found is not None and all(found[f] == data[f] for f in compared)
            decisions.append((row_number, first[0] if first else None, same, found is not None, stored_same, key))
        outcome, claims = _dry_run_classify(target, decisions)
        by_row = dict(rows)
        DryRunClaim.objects.bulk_create(
            [
                DryRunClaim(
                    job_id=target.job_id,
                    key=keys[row_number],
                    row_number=row_number,
                    values=as_stored(everything, by_row[row_number]),
                )
                for row_number in claims
            ],
            batch_size=500,
        )
        return outcome
