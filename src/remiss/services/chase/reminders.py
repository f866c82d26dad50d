"""Reminding organisations whose answer is missing or incomplete, on the days the policy names.

The round's reminder policy (its `reminders:` block) gives the slots; the organisation's
effective deadline (its extension, if granted) places them in the Swedish calendar. A
reminder is keyed by its slot's date, so a slot is answered once however often chase
runs, and an organisation is never reminded twice on one day. After the deadline the
reminder is copied to the förvaltning's registrator or chef when the policy says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from remiss.domain import Organisation, calendar, schedule
from remiss.domain.outcomes import AnswerStatus, MessageKind
from remiss.domain.round import ReminderPolicy
from remiss.mail import compose
from remiss.services import links, outbox
from remiss.services.context import RoundContext
from remiss.services.status import OrganisationStatus
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import OutboxRow, ReminderRow, RoundRow
from remiss.swedish import long_date


@dataclass(frozen=True)
class Reminder:
    organisation: str
    status: AnswerStatus
    eml: str
    new: bool
    slot: str = ""  # "2 arbetsdagar före sista svarsdag", …
    due_on: str = ""  # the slot's date
    cc: list[str] = field(default_factory=list)
    key: str = ""  # the outbox key
    sent: bool = False  # delivered over SMTP by the run that wrote it


def reminder_key(round_id: str, org_id: str, day: dt.date) -> str:
    return f"reminder:{round_id}:{org_id}:{day.isoformat()}"


def launch_day(session: Session, round_id: str, today: dt.date) -> dt.date | None:
    """The day the requests went out, if that is not after `today` (a replayed clock ignores it)."""
    row = session.get(RoundRow, round_id)
    if row is None or row.launched_at is None:
        return None
    day = calendar.stockholm_today(row.launched_at)
    return day if day <= today else None


def remind(
    session: Session, work: Work, status: OrganisationStatus, *, launched_on: dt.date | None = None
) -> Reminder | None:
    """Record (and write) the reminder one organisation is due `work.today`, if any."""
    if status.status is AnswerStatus.COMPLETE:
        return None
    ctx, today = work.round, work.today
    org = ctx.organisation(status.organisation)
    deadline = ctx.deadline_for(org.id)
    policy = ctx.definition.reminders
    slot = schedule.due_slot(policy, deadline, today, launched_on)
    if slot is None:
        return None
    earlier = session.scalar(
        select(ReminderRow).where(
            ReminderRow.round_id == ctx.round_id,
            ReminderRow.organisation_id == org.id,
            or_(ReminderRow.due_on == slot.day, ReminderRow.sent_on == today),
        )
    )
    if earlier is not None:
        row = session.get(OutboxRow, earlier.outbox_id)
        assert row is not None
        return Reminder(
            org.id,
            AnswerStatus(earlier.status),
            row.eml_path,
            False,
            earlier.slot or "",
            earlier.due_on.isoformat(),
            row.cc,
            row.key,
        )
    return _write(session, work, status, org, slot, deadline)


def escalation(policy: ReminderPolicy, org: Organisation) -> list[str]:
    """The registrator's and/or chef's addresses the policy copies after the deadline."""
    wanted = [org.registrator if role == "registrator" else org.chef for role in policy.escalate_to]
    return list(dict.fromkeys(a for a in wanted if a and a not in org.email))


def render_reminder(
    session: Session,
    ctx: RoundContext,
    status: OrganisationStatus,
    org: Organisation,
    deadline: dt.date,
    today: dt.date,
) -> tuple[str, str, list[str]]:
    """The reminder `org` gets today: subject, body and the escalation copies (after the deadline).

    One place for what chase writes and what the desk's preview shows, so they never differ.
    While the nämnd's answer page link is live, the reminder points at it: at the request's link
    rather than a fresh one, since a new link would end the one an official may be writing in when
    the reminder arrives (only the token's hash is stored, so it cannot be repeated).
    """
    overdue = today > deadline
    cc = escalation(ctx.definition.reminders, org) if overdue else []
    subject, body = compose.render(
        MessageKind.REMINDER,
        definition=ctx.definition,
        org=org,
        status=status.status,
        empty=status.empty,
        problems=status.problems,
        deadline=long_date(deadline),
        overdue=overdue,
        deadline_today=today == deadline,
        days_left=calendar.working_days_between(today, deadline),
        extended=ctx.recipients[org.id].extended_to is not None,
        copied=cc,
        page=links.has_live_link(session, ctx.round_id, org.id),
    )
    return subject, body, cc


def _write(
    session: Session,
    work: Work,
    status: OrganisationStatus,
    org: Organisation,
    slot: schedule.Slot,
    deadline: dt.date,
) -> Reminder:
    ctx, today = work.round, work.today
    subject, body, cc = render_reminder(session, ctx, status, org, deadline, today)
    key = reminder_key(ctx.round_id, org.id, slot.day)
    message = compose.build_message(to=list(org.email), cc=cc, subject=subject, body=body, key=key)
    path = work.workspace.round_outbox(ctx.round_id, org.id) / f"paminnelse-{today.isoformat()}.eml"
    row = outbox.record(
        session,
        key=key,
        kind=MessageKind.REMINDER,
        message=message,
        path=path,
        round_id=ctx.round_id,
        organisation_id=org.id,
        deliver=work.deliver,
    )
    session.add(
        ReminderRow(
            round_id=ctx.round_id,
            organisation_id=org.id,
            due_on=slot.day,
            sent_on=today,
            status=status.status,
            outbox_id=row.id,
            slot=slot.label,
            escalated=bool(cc),
        )
    )
    audit.record(
        session,
        "reminder.written",
        ctx.round_id,
        org.id,
        actor=work.by,
        status=status.status,
        slot=slot.label,
    )
    return Reminder(org.id, status.status, str(path), True, slot.label, slot.day.isoformat(), cc, key)
