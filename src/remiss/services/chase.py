"""Reminding organisations whose answer is missing or incomplete — at most once a day each.

The reminder's outbox key includes the date, so running chase twice on the same day
records and writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.mail import compose
from remiss.services.context import RoundContext
from remiss.services.status import OrganisationStatus
from remiss.settings import Workspace
from remiss.store import audit
from remiss.store.schema import OutboxRow, ReminderRow
from remiss.swedish import long_date


@dataclass(frozen=True)
class Reminder:
    organisation: str
    status: str
    eml: str
    new: bool


def reminder_key(round_id: str, org_id: str, day: dt.date) -> str:
    return f"reminder:{round_id}:{org_id}:{day.isoformat()}"


def remind(
    session: Session, workspace: Workspace, ctx: RoundContext, status: OrganisationStatus, today: dt.date
) -> Reminder | None:
    """Write and record a reminder for one organisation, unless it is complete or already reminded today."""
    if status.status == "complete":
        return None
    key = reminder_key(ctx.round_id, status.organisation, today)
    existing = session.scalar(select(OutboxRow).where(OutboxRow.key == key))
    if existing is not None:
        return Reminder(status.organisation, status.status, existing.eml_path, new=False)
    org = ctx.organisation(status.organisation)
    deadline = ctx.deadline_for(org.id)
    subject, body = compose.render(
        "reminder",
        definition=ctx.definition,
        org=org,
        status=status.status,
        empty=status.empty,
        deadline=long_date(deadline),
        overdue=today > deadline,
    )
    message = compose.build_message(to=list(org.email), subject=subject, body=body, key=key)
    path = workspace.round_outbox(ctx.round_id, org.id) / f"paminnelse-{today.isoformat()}.eml"
    compose.write_eml(message, path)
    outbox = OutboxRow(
        key=key,
        kind="reminder",
        round_id=ctx.round_id,
        organisation_id=org.id,
        recipients=list(org.email),
        subject=subject,
        message_id=message["Message-ID"],
        eml_path=str(path),
    )
    session.add(outbox)
    session.flush()
    session.add(
        ReminderRow(
            round_id=ctx.round_id,
            organisation_id=org.id,
            due_on=today,
            status=status.status,
            outbox_id=outbox.id,
        )
    )
    audit.record(session, "reminder.written", ctx.round_id, org.id, status=status.status)
    return Reminder(org.id, status.status, str(path), new=True)
