"""Append-only audit log: one row per step remiss takes, with who took it.

Services pass `work.by` (the CLI's `--by`, the web desk's signed-in user, a flow's OS
user); a step recorded without an actor is recorded under the operating-system user.
"""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy.orm import Session

from remiss.store.schema import AuditRow

ACTOR_LENGTH = 100


def os_user() -> str:
    """The operating-system user, or 'okänd' where there is none (a container without passwd)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "okänd"


def record(
    session: Session,
    action: str,
    round_id: str | None = None,
    organisation_id: str | None = None,
    *,
    actor: str | None = None,
    **detail: Any,
) -> None:
    who = (actor or "").strip()[:ACTOR_LENGTH] or os_user()
    session.add(
        AuditRow(action=action, round_id=round_id, organisation_id=organisation_id, actor=who, detail=detail)
    )
