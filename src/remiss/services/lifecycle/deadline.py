"""Moving the round's deadline for everyone: reminders, late flags, templates and texts follow.

The date is stored on the round's row and read into the definition by `load_context`, so
every later step (status, chase, receipts, a resent template, the annex) uses it. An
extension (anstånd) earlier than the new deadline no longer matters: the later date counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from remiss.services.lifecycle.dates import date_warnings
from remiss.services.lifecycle.store import round_row
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import RecipientRow


@dataclass(frozen=True)
class DeadlineMove:
    round: str
    deadline: str  # ISO date now in force
    previous: str
    overtaken: list[str] = field(default_factory=list)  # organisations whose anstånd is now earlier
    warnings: list[str] = field(default_factory=list)  # Swedish: past date, not a working day


def move_deadline(work: Work, deadline: dt.date) -> DeadlineMove:
    """Give every recipient until `deadline` (earlier or later than before); warned about if past."""
    round_id = work.round_id
    with work.db.session() as session:
        row = round_row(session, round_id)
        previous = row.deadline
        overtaken = sorted(
            session.scalars(
                select(RecipientRow.organisation_id).where(
                    RecipientRow.round_id == round_id,
                    RecipientRow.withdrawn_at.is_(None),
                    RecipientRow.extended_to <= deadline,
                )
            )
        )
        if deadline != previous:
            row.deadline = deadline
            audit.record(
                session,
                "round.deadline",
                round_id,
                actor=work.by,
                deadline=deadline.isoformat(),
                previous=previous.isoformat(),
            )
    warnings = date_warnings(deadline, f"Sista svarsdag {deadline.isoformat()}", work.today)
    if overtaken:
        warnings.append(
            f"Anstånd som nu ligger före eller på den nya sista svarsdagen gäller inte längre: "
            f"{', '.join(overtaken)}."
        )
    return DeadlineMove(round_id, deadline.isoformat(), previous.isoformat(), overtaken, warnings)
