"""The reminder policy as dates: on which days an organisation is due a reminder.

A policy (the round's `reminders:` block) names working days relative to the deadline:
some before it, the deadline itself, and every N working days after it. Each such day is
a *slot*. On a given day the slot that counts is the latest one not after it, so a day
the schedule did not run (server down, a weekend) is caught up once, the next time chase
runs, and never twice: the slot's date is the reminder's unique key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from remiss.domain import calendar
from remiss.domain.round import ReminderPolicy


@dataclass(frozen=True, order=True)
class Slot:
    day: dt.date
    kind: str  # before | deadline | after
    offset: int  # working days before (kind before) or after (kind after) the deadline; 0 on it

    @property
    def label(self) -> str:
        """Swedish, for the reminder log and the status: '7 arbetsdagar före sista svarsdag'."""
        if self.kind == "deadline":
            return "sista svarsdag"
        unit = "arbetsdag" if self.offset == 1 else "arbetsdagar"
        side = "före" if self.kind == "before" else "efter"
        return f"{self.offset} {unit} {side} sista svarsdag"


def deadline_slot_day(deadline: dt.date) -> dt.date:
    """The deadline, or the last working day before it when it falls on a day off."""
    return deadline if calendar.is_working_day(deadline) else calendar.shift_working_days(deadline, -1)


def slots(policy: ReminderPolicy, deadline: dt.date, until: dt.date) -> list[Slot]:
    """Every slot of the policy up to and including `until`, in date order, one per day."""
    found = {s.day: s for s in _fixed_slots(policy, deadline)}
    if policy.after_every:
        step = policy.after_every
        after = calendar.working_days_after(deadline, until)
        for k, day in enumerate(after[step - 1 :: step], start=1):
            found[day] = Slot(day, "after", k * step)
    return sorted(s for s in found.values() if s.day <= until)


def due_slot(
    policy: ReminderPolicy, deadline: dt.date, today: dt.date, not_before: dt.date | None = None
) -> Slot | None:
    """The slot a reminder sent today answers: the latest one on or before today.

    Slots on or before `not_before` (the day the request went out) are never caught up: a
    round launched late does not send yesterday's reminder on the heels of the request.
    Computed directly (not by listing every slot since the deadline), so it costs the same
    a week or ten years after the deadline.
    """
    latest = _latest_after(policy, deadline, today)
    if latest is None:
        earlier = [s for s in _fixed_slots(policy, deadline) if s.day <= today]
        latest = earlier[-1] if earlier else None
    if latest is None or (not_before is not None and latest.day <= not_before):
        return None
    return latest


def _fixed_slots(policy: ReminderPolicy, deadline: dt.date) -> list[Slot]:
    """The slots before and on the deadline, in date order; the later kind wins a shared day."""
    found: dict[dt.date, Slot] = {}
    for n in sorted(set(policy.before), reverse=True):
        day = calendar.shift_working_days(deadline, -n)
        found[day] = Slot(day, "before", n)
    if policy.on_deadline:
        day = deadline_slot_day(deadline)
        found[day] = Slot(day, "deadline", 0)
    return sorted(found.values())


def _latest_after(policy: ReminderPolicy, deadline: dt.date, today: dt.date) -> Slot | None:
    """The latest 'every N working days after the deadline' slot on or before today, if any."""
    if not policy.after_every:
        return None
    step = policy.after_every
    offset = calendar.working_days_between(deadline, today) // step * step
    if offset == 0:
        return None
    return Slot(calendar.shift_working_days(deadline, offset), "after", offset)
