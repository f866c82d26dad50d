"""Running a producer ahead of its consumer, in a thread of its own.

Collecting has two halves that can overlap: handing files to the parsing workers and
taking their answers (mostly waiting on pipes, which releases the GIL), and storing the
answers (database, receipts). Without read-ahead the workers sit idle while a batch is
being stored; with it they always have the next file.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_POLL_S = 0.1
_DONE = object()


def read_ahead(source: Iterator[T], depth: int) -> Iterator[T]:
    """The items of `source`, produced by a background thread at most `depth` items ahead.

    An exception in the producer is raised in the consumer at that point of the sequence;
    a consumer that stops early (or fails) stops the producer after its current item.
    """
    items: queue.Queue[object] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def offer(item: object) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not offer(item):
                    break
            else:
                offer(_DONE)
        except BaseException as exc:  # handed to the consumer, which raises it
            offer(_Failure(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="remiss-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error
