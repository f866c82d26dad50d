"""Progress bars on stderr for long work, drawn from the events of `remiss.progress`.

Only on a terminal and never with --json: a script or a pipe gets exactly the output it
got before. The bars appear with the first event and go away when every piece of work
has reached its total, so the command's own report prints below them.
"""

from __future__ import annotations

import atexit
import sys
from typing import Any

from remiss.progress import Listener


def progress_bars(json: bool) -> Listener | None:
    """A listener drawing bars on stderr, or None when stderr is no terminal or JSON is asked for."""
    if json or not sys.stderr.isatty():
        return None
    return _Bars()


class _Bars:
    def __init__(self) -> None:
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    def __call__(self, event: dict[str, Any]) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if self._progress is None:
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            atexit.register(self._progress.stop)
        name = event["task"]
        if "label" in event:
            if name in self._tasks:
                self._progress.remove_task(self._tasks[name])
            self._tasks[name] = self._progress.add_task(event["label"], total=event.get("total"))
        elif name in self._tasks:
            self._progress.advance(self._tasks[name], event.get("advance", 1))
        if all(task.finished for task in self._progress.tasks):
            self._progress.stop()
            self._progress, self._tasks = None, {}
