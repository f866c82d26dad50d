"""The coordinator's review of an answer: "Behöver kompletteras" (with a mail) or "Godkänd".

A decision is a row in `reviews`; the newest one per organisation is its review state. A
request for completion is mailed to the nämnd through the outbox in the same transaction
(so it exists exactly once) and may move the nämnd's deadline (an extension). Until a new
file arrives after it, the organisation counts as incomplete whatever its answers say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.domain.outcomes import AnswerStatus
from remiss.errors import ConfigError, NotFoundError
from remiss.mail import compose
from remiss.services import links, outbox
from remiss.services.chase import extensions
from remiss.services.context import RoundContext
from remiss.services.status import OrganisationStatus
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.desk_schema import ReviewRow
from remiss.store.schema import ReceivedFileRow, utcnow
from remiss.swedish import long_date


class ReviewState(StrEnum):
    COMPLETION = "kompletteras"
    APPROVED = "godkand"

    @property
    def label(self) -> str:
        return {"kompletteras": "Behöver kompletteras", "godkand": "Godkänd"}[self.value]


@dataclass(frozen=True)
class Review:
    organisation: str
    state: ReviewState
    by: str
    at: dt.datetime
    message: str | None = None
    new_deadline: dt.date | None = None
    answered: bool = False  # a new file came after a request for completion

    @property
    def label(self) -> str:
        if self.state is ReviewState.COMPLETION and self.answered:
            return "Komplettering inkommen"
        return self.state.label


def request_completion(
    session: Session, work: Work, org_id: str, message: str, *, new_deadline: dt.date | None = None
) -> Review:
    """Record the request, mail it to the nämnd (outbox; sent if `work.deliver`), and grant the
    new deadline if given. `work.by` is who asked."""
    ctx, by = work.round, work.by
    org = _recipient(ctx, org_id)
    message = message.strip()
    if not message:
        raise ConfigError(f"Skriv vad {org.forvaltning} behöver komplettera.")
    if new_deadline is not None:
        extensions.grant_extension(session, work, org_id, new_deadline)
    row = ReviewRow(
        round_id=ctx.round_id,
        organisation_id=org_id,
        state=ReviewState.COMPLETION.value,
        message=message,
        new_deadline=new_deadline,
        file_id=_newest_file(session, ctx.round_id, org_id),
        by=by,
        at=utcnow(),
    )
    session.add(row)
    session.flush()
    subject, body = compose.render(
        "completion",
        definition=ctx.definition,
        org=org,
        message=message,
        deadline=long_date(new_deadline) if new_deadline else None,
        by=by,
        link=links.follow_up_link(session, ctx.round_id, org_id, by=by),
    )
    key = f"completion:{ctx.round_id}:{org_id}:{row.id}"
    mail = compose.build_message(to=list(org.email), subject=subject, body=body, key=key)
    path = work.workspace.round_outbox(ctx.round_id, org_id) / f"komplettering-{row.id}.eml"
    sent = outbox.record(
        session,
        key=key,
        kind="completion",
        message=mail,
        path=path,
        round_id=ctx.round_id,
        organisation_id=org_id,
        deliver=work.deliver,
    )
    row.outbox_id = sent.id
    audit.record(
        session,
        "review.completion",
        ctx.round_id,
        org_id,
        actor=by,
        message=message,
        new_deadline=new_deadline.isoformat() if new_deadline else None,
    )
    return _review(row, answered=False)


def approve(session: Session, work: Work, org_id: str) -> Review:
    ctx, by = work.round, work.by
    _recipient(ctx, org_id)
    row = ReviewRow(
        round_id=ctx.round_id,
        organisation_id=org_id,
        state=ReviewState.APPROVED.value,
        file_id=_newest_file(session, ctx.round_id, org_id),
        by=by,
        at=utcnow(),
    )
    session.add(row)
    audit.record(session, "review.approved", ctx.round_id, org_id, actor=by)
    return _review(row, answered=False)


def reviews(session: Session, round_id: str) -> dict[str, Review]:
    """The review state of each organisation that has one (its newest decision)."""
    latest: dict[str, ReviewRow] = {}
    for row in session.scalars(
        select(ReviewRow).where(ReviewRow.round_id == round_id).order_by(ReviewRow.id)
    ):
        latest[row.organisation_id] = row
    newest = _newest_files(session, round_id)
    return {
        org: _review(row, answered=(newest.get(org) or 0) > (row.file_id or 0)) for org, row in latest.items()
    }


def history(session: Session, round_id: str, org_id: str) -> list[Review]:
    rows = session.scalars(
        select(ReviewRow)
        .where(ReviewRow.round_id == round_id, ReviewRow.organisation_id == org_id)
        .order_by(ReviewRow.id.desc())
    )
    return [_review(row, answered=False) for row in rows]


def apply(statuses: list[OrganisationStatus], found: dict[str, Review]) -> list[OrganisationStatus]:
    """An open request for completion makes the organisation incomplete, with the request as a problem."""
    for status in statuses:
        review = found.get(status.organisation)
        if review and review.state is ReviewState.COMPLETION and not review.answered:
            if status.status is not AnswerStatus.MISSING:
                status.status = AnswerStatus.INCOMPLETE
            status.problems = [*status.problems, f"Behöver kompletteras: {review.message}"]
    return statuses


def _recipient(ctx: RoundContext, org_id: str):  # type: ignore[no-untyped-def]
    if org_id not in ctx.recipients:
        raise NotFoundError(f"'{org_id}' är inte mottagare av omgången '{ctx.round_id}'.")
    return ctx.organisation(org_id)


def _newest_file(session: Session, round_id: str, org_id: str) -> int | None:
    return session.scalar(
        select(ReceivedFileRow.id)
        .where(
            ReceivedFileRow.round_id == round_id,
            ReceivedFileRow.organisation_id == org_id,
            ReceivedFileRow.status == "accepted",
        )
        .order_by(ReceivedFileRow.id.desc())
        .limit(1)
    )


def _newest_files(session: Session, round_id: str) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(
        select(ReceivedFileRow.organisation_id, func.max(ReceivedFileRow.id))
        .where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == "accepted")
        .group_by(ReceivedFileRow.organisation_id)
    )
    return {org: newest for org, newest in rows if org}


def _review(row: ReviewRow, *, answered: bool) -> Review:
    return Review(
        row.organisation_id,
        ReviewState(row.state),
        row.by,
        row.at,
        row.message,
        row.new_deadline,
        answered,
    )
