"""What the coordinator's overview shows: every round, and one round in full."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.domain.calendar import stockholm_today
from remiss.domain.outcomes import FileState
from remiss.services.context import load_context
from remiss.services.lifecycle.received import ATTRIBUTABLE
from remiss.services.lifecycle.state import RoundState, state_of
from remiss.services.lifecycle.store import database, round_row
from remiss.services.status import OrganisationStatus, round_status
from remiss.services.work import Work
from remiss.settings import Workspace
from remiss.store.schema import ReceivedFileRow, RecipientRow, RoundRow

STATUSES = ("missing", "incomplete", "complete")


@dataclass(frozen=True)
class RoundSummary:
    id: str
    title: str
    diarienummer: str
    deadline: str  # ISO date in force
    state: RoundState
    state_label: str  # Swedish: skapad | utskickad | stängd
    recipients: int
    counts: dict[str, int]  # missing | incomplete | complete -> number of recipients
    late: int
    launched_at: dt.datetime | None
    closed_at: dt.datetime | None


@dataclass(frozen=True)
class QuarantinedFile:
    id: int
    file: str  # the name it was sent under
    stored: str  # its name in quarantine/
    code: str | None
    reason: str | None
    received_at: dt.datetime
    attributable: bool  # refused only because nobody could tell who sent it


@dataclass(frozen=True)
class RoundDetail:
    summary: RoundSummary
    budget_year: int | None  # None: a remiss not tied to a budget
    statuses: list[OrganisationStatus]  # the recipients still asked, in annex order
    withdrawn_recipients: list[str]
    files: dict[str, int]  # accepted | withdrawn | rejected -> number of files
    quarantined: list[QuarantinedFile] = field(default_factory=list)


def list_rounds(workspace: Workspace, today: dt.date | None = None) -> list[RoundSummary]:
    """Every round, newest deadline first, with its counts per status."""
    today = today or stockholm_today()
    with database(workspace).session() as session:
        rows = list(session.scalars(select(RoundRow).order_by(RoundRow.deadline.desc(), RoundRow.id)))
        # Counts only: the statuses unnamed (counted in SQL, see `round_status`), so the start
        # page stays cheap however big the rounds are.
        return [_summary(session, row, _statuses(session, row.id, today, named=False)) for row in rows]


def show_round(work: Work) -> RoundDetail:
    """One round: its summary, every recipient's status on `work.today`, the withdrawn ones, its
    files and its quarantine."""
    round_id, today = work.round_id, work.today
    with work.db.session() as session:
        row = round_row(session, round_id)
        statuses = _statuses(session, round_id, today)
        withdrawn = sorted(
            session.scalars(
                select(RecipientRow.organisation_id).where(
                    RecipientRow.round_id == round_id, RecipientRow.withdrawn_at.is_not(None)
                )
            )
        )
        files = session.scalars(select(ReceivedFileRow).where(ReceivedFileRow.round_id == round_id)).all()
        counted = Counter(f.status for f in files)
        quarantined = [
            QuarantinedFile(
                f.id,
                f.original_name,
                Path(f.stored_path).name,
                f.reason_code,
                f.reason,
                f.received_at,
                f.reason_code in ATTRIBUTABLE,
            )
            for f in files
            if f.status == FileState.REJECTED
        ]
        return RoundDetail(
            _summary(session, row, statuses),
            row.budget_year,
            statuses,
            withdrawn,
            {
                s.value: counted.get(s, 0)
                for s in (FileState.ACCEPTED, FileState.WITHDRAWN, FileState.REJECTED)
            },
            quarantined,
        )


def _statuses(
    session: Session, round_id: str, today: dt.date, *, named: bool = True
) -> list[OrganisationStatus]:
    return round_status(session, load_context(session, round_id), today, named=named)


def _summary(session: Session, row: RoundRow, statuses: list[OrganisationStatus]) -> RoundSummary:
    state = state_of(row)
    counts = Counter(s.status for s in statuses)
    return RoundSummary(
        id=row.id,
        title=row.title,
        diarienummer=row.diarienummer,
        deadline=row.deadline.isoformat(),
        state=state,
        state_label=state.label,
        recipients=len(statuses),
        counts={s: counts.get(s, 0) for s in STATUSES},
        late=sum(1 for s in statuses if s.late),
        launched_at=row.launched_at,
        closed_at=row.closed_at,
    )
