"""Preloaded in the parse workers' fork server only: a worker started in the moment its collector
stops (an error, Ctrl-C, a full disk) finds its pipe closed. That is not a fault to print as a
traceback on the coordinator's terminal; anything else still is."""

from __future__ import annotations

import sys
from types import TracebackType

_GONE = (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt)
_default = sys.excepthook


def _quiet(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, _GONE):
        return  # the collector is gone: nothing to say, nothing to do
    _default(kind, exc, tb)


sys.excepthook = _quiet
