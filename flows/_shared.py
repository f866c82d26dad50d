"""What every flow needs: the workspace from a path, and spreading work over concurrent tasks.

Flows map their batches over a thread pool (`task_runner()`): every batch opens its own
sessions, and the store stays consistent under any interleaving (unique keys, each file
or organisation stored in one transaction, version numbers retried on a clash), so batches of
one run, and runs on several workers at once, can go side by side.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from prefect.task_runners import ThreadPoolTaskRunner

from remiss.services.work import Work, open_work
from remiss.settings import Workspace

# Items per task at most. Every task run costs a few API round trips and CPU in the API
# server (which shares the machine), so a city-sized run maps to a handful of tasks, not dozens.
BATCH = 250
# Batches of one flow run that run at once (REMISS_FLOW_TASKS, default 4).
TASKS = max(1, int(os.environ.get("REMISS_FLOW_TASKS") or 4))


def workspace(home: str | None) -> Workspace:
    return Workspace.from_env(Path(home) if home else None)


def work(home: str | None, round_id: str, **options: object) -> Work:
    """The task's Work on `round_id` (options as `open_work` takes them: now, today, deliver)."""
    return open_work(workspace(home), round_id, **options)  # type: ignore[arg-type]


def task_runner() -> ThreadPoolTaskRunner:
    return ThreadPoolTaskRunner(max_workers=TASKS)


def batches(items: list, size: int = BATCH) -> Iterator[list]:  # type: ignore[type-arg]
    for start in range(0, len(items), size):
        yield items[start : start + size]


def spread(items: list, parts: int = TASKS, most: int = BATCH) -> list[list]:  # type: ignore[type-arg]
    """Contiguous batches, in order: `parts` of them when there are enough items, none above `most`."""
    size = max(1, min(most, -(-len(items) // parts)))
    return list(batches(items, size))
