"""Append-only audit log: one row per step remiss takes, with who took it.

The actor is named by the caller (the CLI's `--by`, the web desk's signed-in user); a step
taken without one (a flow run, a scheduled chase) is recorded under the process's actor:
the one set with `acting_as`, else the operating-system user.
"""

from __future__ import annotations

import contextvars
import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from remiss.store.schema import AuditRow

_ACTOR: contextvars.ContextVar[str | None] = contextvars.ContextVar("remiss_actor", default=None)
ACTOR_LENGTH = 100


def os_user() -> str:
    """The operating-system user, or 'okänd' where there is none (a container without passwd)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "okänd"


def current_actor() -> str:
    return _ACTOR.get() or os_user()


@contextmanager
def acting_as(actor: str | None) -> Iterator[None]:
    """Steps recorded inside the block without an explicit actor are recorded under `actor`."""
    token = _ACTOR.set(actor)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def record(
    session: Session,
    action: str,
    round_id: str | None = None,
    organisation_id: str | None = None,
    *,
    actor: str | None = None,
    **detail: Any,
) -> None:
    who = (actor or current_actor()).strip()[:ACTOR_LENGTH] or os_user()
    session.add(
        AuditRow(action=action, round_id=round_id, organisation_id=organisation_id, actor=who, detail=detail)
    )
