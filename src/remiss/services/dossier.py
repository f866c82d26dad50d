"""Everything about one organisation in one round, for the desk's organisation page.

What it must answer (its åtgärder and fields), every accepted version with its answers and
Excel values, the mail it has been sent (requests, receipts, reminders, completion
requests) and the review decisions. Read-only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.domain import Assignment, Organisation
from remiss.domain.outcomes import FileState
from remiss.errors import NotFoundError
from remiss.services import review
from remiss.services.context import RoundContext
from remiss.services.status import OrganisationStatus, round_status
from remiss.store.schema import AnswerRow, OutboxRow, ReceivedFileRow, ValueRow


@dataclass
class Version:
    file: ReceivedFileRow
    answers: dict[tuple[str, str], AnswerRow] = field(default_factory=dict)  # (measure key, field id)
    values: dict[tuple[str, str], ValueRow] = field(default_factory=dict)  # (measure key, column id)


@dataclass
class Dossier:
    organisation: Organisation
    status: OrganisationStatus
    assignments: list[Assignment]
    versions: list[Version]  # newest first, Word and Excel alike, withdrawn ones too
    mail: list[OutboxRow]
    reviews: list[review.Review]
    deadline: dt.date

    @property
    def current_docx(self) -> Version | None:
        return next((v for v in self.versions if v.file.kind == "docx" and v.file.is_current), None)

    @property
    def current_xlsx(self) -> Version | None:
        return next((v for v in self.versions if v.file.kind == "xlsx" and v.file.is_current), None)

    def version(self, file_id: int) -> Version:
        for found in self.versions:
            if found.file.id == file_id:
                return found
        raise NotFoundError(f"Filen {file_id} hör inte till {self.organisation.forvaltning}.")


def organisation_dossier(session: Session, ctx: RoundContext, org_id: str, today: dt.date) -> Dossier:
    if org_id not in ctx.recipients:
        raise NotFoundError(f"'{org_id}' är inte mottagare av omgången '{ctx.round_id}'.")
    status = next(s for s in round_status(session, ctx, today) if s.organisation == org_id)
    reviews = review.history(session, ctx.round_id, org_id)
    review.apply([status], review.reviews(session, ctx.round_id))
    files = list(
        session.scalars(
            select(ReceivedFileRow)
            .where(
                ReceivedFileRow.round_id == ctx.round_id,
                ReceivedFileRow.organisation_id == org_id,
                # a withdrawn file stays in the list (it was received; it no longer counts)
                ReceivedFileRow.status.in_((FileState.ACCEPTED, FileState.WITHDRAWN)),
            )
            .order_by(ReceivedFileRow.received_at.desc(), ReceivedFileRow.id.desc())
        )
    )
    ids = [f.id for f in files]
    answers: dict[int, list[AnswerRow]] = defaultdict(list)
    for row in session.scalars(select(AnswerRow).where(AnswerRow.file_id.in_(ids))):
        answers[row.file_id].append(row)
    values: dict[int, list[ValueRow]] = defaultdict(list)
    for row in session.scalars(select(ValueRow).where(ValueRow.file_id.in_(ids))):
        values[row.file_id].append(row)
    versions = [
        Version(
            f,
            {(a.measure_key, a.field_id): a for a in answers[f.id]},
            {(v.measure_key, v.column_id): v for v in values[f.id]},
        )
        for f in files
    ]
    mail = list(
        session.scalars(
            select(OutboxRow)
            .where(OutboxRow.round_id == ctx.round_id, OutboxRow.organisation_id == org_id)
            .order_by(OutboxRow.created_at.desc())
        )
    )
    return Dossier(
        ctx.organisation(org_id),
        status,
        ctx.assignments(org_id),
        versions,
        mail,
        reviews,
        ctx.deadline_for(org_id),
    )
