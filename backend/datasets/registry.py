"""The registry of import targets. Apps declare datasets in code and register them at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from datasets.columns import Column


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key_columns: tuple[str, ...]
    description: str = ""

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"dataset {self.name}: column names repeat")
        missing = [k for k in self.key_columns if k not in names]
        if missing:
            raise ValueError(f"dataset {self.name}: key columns {missing} are not columns")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


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
