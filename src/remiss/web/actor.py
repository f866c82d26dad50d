"""Who the audit log names for what a request does: the logged-in user.

Uses the store's `audit.acting_as` (the round lifecycle's actor) when this remiss has it;
services that take an explicit `by` get the name from the route as well.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from remiss.store import audit


@contextlib.contextmanager
def acting(name: str) -> Iterator[None]:
    acting_as = getattr(audit, "acting_as", None)
    if acting_as is None:
        yield
        return
    with acting_as(name):
        yield
