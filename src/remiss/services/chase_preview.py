"""The reminders chase would write today, rendered as the nämnd will read them, without writing them.

Same decision as `chase.reminders.remind` (the policy's due slot at the organisation's own
deadline, not yet answered), same template and variables, so the preview is the message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from remiss.domain import schedule
from remiss.services import review
from remiss.services.chase.reminders import launch_day, render_reminder
from remiss.services.context import RoundContext
from remiss.services.status import round_status
from remiss.store.schema import ReminderRow


@dataclass(frozen=True)
class Preview:
    organisation: str
    name: str
    status: str
    slot: str
    to: list[str]
    subject: str
    body: str
    cc: list[str] = field(default_factory=list)


def due_today(session: Session, ctx: RoundContext, today: dt.date) -> list[Preview]:
    if not ctx.launched:
        return []
    launched_on = launch_day(session, ctx.round_id, today)
    found = []
    for status in review.apply(round_status(session, ctx, today), review.reviews(session, ctx.round_id)):
        if status.status == "complete":
            continue
        org = ctx.organisation(status.organisation)
        deadline = ctx.deadline_for(org.id)
        slot = schedule.due_slot(ctx.definition.reminders, deadline, today, launched_on)
        if slot is None or _written(session, ctx.round_id, org.id, slot.day, today):
            continue
        subject, body, cc = render_reminder(session, ctx, status, org, deadline, today)
        found.append(
            Preview(org.id, org.forvaltning, status.status, slot.label, list(org.email), subject, body, cc)
        )
    return found


def _written(session: Session, round_id: str, org_id: str, slot_day: dt.date, today: dt.date) -> bool:
    return (
        session.scalar(
            select(ReminderRow.id).where(
                ReminderRow.round_id == round_id,
                ReminderRow.organisation_id == org_id,
                or_(ReminderRow.due_on == slot_day, ReminderRow.sent_on == today),
            )
        )
        is not None
    )
