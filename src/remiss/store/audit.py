"""Append-only audit log: one row per step remiss takes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from remiss.store.schema import AuditRow


def record(
    session: Session,
    action: str,
    round_id: str | None = None,
    organisation_id: str | None = None,
    **detail: Any,
) -> None:
    session.add(AuditRow(action=action, round_id=round_id, organisation_id=organisation_id, detail=detail))
