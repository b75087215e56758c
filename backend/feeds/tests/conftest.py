from __future__ import annotations

from pathlib import Path

import pytest

from tests.card_feeds import FEEDS


@pytest.fixture
def feeds_root(settings, tmp_path) -> Path:
    root = tmp_path / "feeds-root"
    root.mkdir()
    settings.FEEDS_ROOT = root
    return root


@pytest.fixture
def partner_folder(feeds_root) -> Path:
    """The layout the partners' drop folder has: one sub-folder per feed."""
    base = feeds_root / "partner"
    for name, content in FEEDS.items():
        (base / name).mkdir(parents=True)
        (base / name / f"{name}-2023-11-16.csv").write_bytes(content)
    return base
