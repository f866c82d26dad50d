"""What every flow needs: the workspace from a path, and batching of work into tasks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from remiss.settings import Workspace

BATCH = 50


def workspace(home: str | None) -> Workspace:
    return Workspace.from_env(Path(home) if home else None)


def batches(items: list, size: int = BATCH) -> Iterator[list]:  # type: ignore[type-arg]
    for start in range(0, len(items), size):
        yield items[start : start + size]
