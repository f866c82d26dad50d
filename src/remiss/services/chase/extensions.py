"""Extensions (anstånd): an organisation's own deadline, which reminders and status obey.

The date is stored on the organisation's recipient row; `RoundContext.deadline_for` reads
it, so the reminder slots, the late flags and the reminder texts all follow it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from remiss.domain import calendar
from remiss.errors import NotFoundError, StateError
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import RecipientRow


@dataclass(frozen=True)
class Extension:
    organisation: str
    name: str
    until: str
    previous: str | None
    round_deadline: str
    notice: str | None  # set when the new date is not a working day
    warnings: list[str] = field(default_factory=list)  # Swedish: the date has passed, …


def grant_extension(session: Session, work: Work, org_id: str, until: dt.date) -> Extension:
    """Give `org_id` until `until` to answer the work's round; a later call moves the date again.

    Takes the caller's transaction (the desk grants it with a review); `work.by` is who granted it.
    """
    ctx, round_id = work.round, work.round_id
    recipient = session.get(RecipientRow, (round_id, org_id))
    if recipient is None or recipient.withdrawn_at is not None:
        known = ", ".join(ctx.recipient_ids)
        raise NotFoundError(f"'{org_id}' är inte mottagare av omgången '{round_id}'. Mottagare: {known}.")
    org = ctx.organisation(org_id)
    deadline = ctx.definition.deadline
    if until <= deadline:
        raise StateError(
            f"Anstånd för {org.forvaltning} ({org_id}): {until.isoformat()} ligger inte efter "
            f"omgångens sista svarsdag {deadline.isoformat()}. Ange ett senare datum."
        )
    previous = recipient.extended_to
    recipient.extended_to = until
    audit.record(
        session,
        "extension.granted",
        round_id,
        org_id,
        actor=work.by,
        until=until.isoformat(),
        previous=previous.isoformat() if previous else None,
    )
    today = work.today
    warnings = (
        [
            f"Den nya sista svarsdagen {until.isoformat()} har redan passerat "
            f"(i dag är det {today.isoformat()})."
        ]
        if until < today
        else []
    )
    return Extension(
        organisation=org_id,
        name=org.forvaltning,
        until=until.isoformat(),
        previous=previous.isoformat() if previous else None,
        round_deadline=deadline.isoformat(),
        notice=calendar.deadline_notice(
            until, f"Den nya sista svarsdagen för {org.forvaltning} ({org_id}), {until.isoformat()},"
        ),
        warnings=warnings,
    )
