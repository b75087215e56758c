"""The registry of import targets. Apps declare datasets in code and register them at start-up."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.db import models

from datasets.columns import Column, ParseOptions

CONFLICT_POLICIES = ("error", "skip", "update")


@dataclass(frozen=True)
class BatchLoaded:
    """What a dataset's ``after_batch`` hook learns about a batch, inside the batch's transaction.

    ``hook_values`` holds, for every row the batch handed to the table (whatever the table then
    did with it), the values of the dataset's ``hook_columns`` in that order. ``removed``: the
    rows were deleted or put back by a revert, so what is derived from them may have no row left.
    """

    dataset: Dataset
    workspace_id: int
    job_id: uuid.UUID
    hook_values: list[tuple[Any, ...]]
    removed: bool = False


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    # What identifies a row. Names of columns, or of constants (a feed's event type is part of
    # its events' identity without being in the file).
    key_columns: tuple[str, ...]
    description: str = ""
    # Model field -> value written on every row, for what the file does not say.
    constants: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Zone of date-times written without one, and region of phone numbers written without a
    # country code; an upload may override the zone.
    timezone: str = "UTC"
    phone_region: str = ""
    on_conflict_default: str = "error"
    on_conflict_choices: tuple[str, ...] = CONFLICT_POLICIES
    # A row repeated identically in a file is counted as skipped instead of rejected as a
    # duplicate (partner feeds resend rows).
    skip_identical_rows: bool = False
    # Runs in each batch's transaction after its rows are loaded, so derived state commits
    # atomically with the rows and the checkpoint.
    after_batch: Callable[[BatchLoaded], None] | None = None
    hook_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"dataset {self.name}: column names repeat")
        missing = [k for k in self.key_columns if k not in names and k not in self.constants]
        if missing:
            raise ValueError(f"dataset {self.name}: key columns {missing} are neither columns nor constants")
        if not any(k in names for k in self.key_columns):
            raise ValueError(f"dataset {self.name}: at least one key column must come from the file")
        unknown = [h for h in self.hook_columns if h not in names]
        if unknown:
            raise ValueError(f"dataset {self.name}: hook columns {unknown} are not columns")
        if self.on_conflict_default not in self.on_conflict_choices or not set(self.on_conflict_choices) <= set(
            CONFLICT_POLICIES
        ):
            raise ValueError(f"dataset {self.name}: bad conflict policies")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def file_key_columns(self) -> tuple[str, ...]:
        """The key columns read from the file; constants are the same on every row of a file."""
        names = {c.name for c in self.columns}
        return tuple(k for k in self.key_columns if k in names)

    def key_field(self, name: str) -> str:
        """The model field of a key column or constant."""
        if name in self.constants:
            return name
        return self.column(name).model_field

    def parse_options(self, *, timezone: str | None = None) -> ParseOptions:
        return ParseOptions(timezone=timezone or self.timezone, phone_region=self.phone_region)

    def rows_filter(self) -> dict[str, Any]:
        """The lookups selecting this dataset's rows in its table (several datasets may share one)."""
        return dict(self.constants)


_registry: dict[str, Dataset] = {}


def dataset_register(dataset: Dataset) -> Dataset:
    if dataset.name in _registry and _registry[dataset.name] is not dataset:
        raise ValueError(f"dataset {dataset.name!r} is registered twice")
    _registry[dataset.name] = dataset
    return dataset


def dataset_get(name: str) -> Dataset | None:
    return _registry.get(name)


def dataset_list() -> list[Dataset]:
    return sorted(_registry.values(), key=lambda d: d.name)
