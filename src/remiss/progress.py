"""Progress of long work, reported through a plain callback that whoever runs the work supplies.

Services and flows call `start` (a named piece of work and how many steps it has) and
`advance`; the command line renders the events as progress bars on a terminal, `remiss
serve` forwards them to the command that handed it the work, and without a listener they
cost nothing. The listener is a context variable, so concurrent runs in one process (the
threads of `remiss serve`, a flow's task threads, which copy the context) keep theirs apart.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

Listener = Callable[[dict[str, Any]], None]

_listener: ContextVar[Listener | None] = ContextVar("remiss_progress", default=None)


@contextlib.contextmanager
def reporting(listener: Listener | None) -> Iterator[None]:
    """Send the progress events of the work done inside the block to `listener`."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def start(task: str, total: int | None, label: str) -> None:
    """A piece of work begins: `label` in Swedish, `total` steps (None: unknown)."""
    _emit({"task": task, "total": total, "label": label})


def advance(task: str, steps: int = 1) -> None:
    _emit({"task": task, "advance": steps})


def _emit(event: dict[str, Any]) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(event)
