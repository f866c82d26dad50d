"""Withdrawing a wrongly accepted file: it stops counting, the previous version is current again.

Nothing is deleted: the row keeps its answers and the archive keeps the bytes; only its
status becomes `withdrawn`. The version that becomes current is the one the rules of
collect would have left current without it: the latest version with answers, else the latest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.domain.outcomes import FileState
from remiss.errors import NotFoundError, StateError
from remiss.services.intake.records import has_answers
from remiss.services.lifecycle.received import describe, find_file
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import ReceivedFileRow, utcnow


@dataclass(frozen=True)
class FileWithdrawal:
    round: str
    organisation: str | None
    file: str  # the name it was sent under
    file_id: int
    kind: str | None  # docx | xlsx
    version: int | None
    was_current: bool
    current_version: int | None  # the version of that kind now current (None: none left)
    withdrawn_at: dt.datetime


def withdraw_file(work: Work, ref: str, *, reason: str | None = None) -> FileWithdrawal:
    """Take back the accepted file `ref` (id, sha256 prefix or name; see `find_file`)."""
    round_id = work.round_id
    with work.db.session() as session:
        row = _accepted(session, round_id, ref)
        was_current = row.is_current
        row.status, row.is_current, row.withdrawn_at = FileState.WITHDRAWN, False, utcnow()
        session.flush()
        current = _restore_current(session, row) if was_current else _current_version(session, row)
        audit.record(
            session,
            "file.withdrawn",
            round_id,
            row.organisation_id,
            actor=work.by,
            file=row.original_name,
            file_id=row.id,
            version=row.version,
            current=current,
            reason=reason,
        )
        return FileWithdrawal(
            round_id,
            row.organisation_id,
            row.original_name,
            row.id,
            row.kind,
            row.version,
            was_current,
            current,
            row.withdrawn_at,
        )


def _siblings(session: Session, row: ReceivedFileRow) -> list[ReceivedFileRow]:
    """The organisation's other accepted files of the same kind, oldest version first."""
    return list(
        session.scalars(
            select(ReceivedFileRow)
            .where(
                ReceivedFileRow.round_id == row.round_id,
                ReceivedFileRow.organisation_id == row.organisation_id,
                ReceivedFileRow.kind == row.kind,
                ReceivedFileRow.status == FileState.ACCEPTED,
            )
            .order_by(ReceivedFileRow.version)
        )
    )


def _restore_current(session: Session, row: ReceivedFileRow) -> int | None:
    remaining = _siblings(session, row)
    if not remaining:
        return None
    answered = [r for r in remaining if has_answers(session, r.id)]
    chosen = (answered or remaining)[-1]
    chosen.is_current = True
    return chosen.version


def _current_version(session: Session, row: ReceivedFileRow) -> int | None:
    return next((r.version for r in _siblings(session, row) if r.is_current), None)


def _accepted(session: Session, round_id: str, ref: str) -> ReceivedFileRow:
    """The accepted file `ref` names; one already withdrawn says so instead of 'no such file'."""
    try:
        return find_file(session, round_id, ref, status=FileState.ACCEPTED)
    except NotFoundError as missing:
        try:
            earlier = find_file(session, round_id, ref, status=FileState.WITHDRAWN)
        except NotFoundError:
            raise missing from None
        raise StateError(
            f"{describe(earlier)} är redan tillbakadragen och räknas inte; inget ändrades. "
            "Se `remiss round files` för omgångens filer."
        ) from None
