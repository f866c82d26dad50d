"""Swedish working days: weekends, public holidays and the days treated as such.

The holidays come from the maintained `holidays` package (country SE), with its DE_FACTO
category: midsommarafton, julafton and nyårsafton are not public holidays by law but are
treated as Sundays (semesterlagen 7 §), and no förvaltning answers a remiss on them.
Everything that counts days for reminders or extensions goes through this module.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import DE_FACTO, PUBLIC

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


@lru_cache(maxsize=1)
def _swedish() -> holidays.HolidayBase:
    return holidays.country_holidays("SE", categories=(PUBLIC, DE_FACTO), language="sv")


def stockholm_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Stockholm: what a coordinator means by 'today', whatever the server's zone."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(STOCKHOLM).date()


def is_working_day(day: dt.date) -> bool:
    return _swedish().is_working_day(day)


def holiday_name(day: dt.date) -> str | None:
    """'Kristi himmelsfärdsdag', 'Midsommarafton', … or None."""
    return _swedish().get(day)


def shift_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (before it when n < 0); n = 0 gives `day` or the next working day."""
    return _swedish().get_nth_working_day(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    return _swedish().get_working_days_count(start + dt.timedelta(days=1), end)


def non_working_reason(day: dt.date) -> str | None:
    """Why `day` is not a working day, in Swedish ('en lördag', 'Kristi himmelsfärdsdag'), or None."""
    if is_working_day(day):
        return None
    name = holiday_name(day)
    return name if name else f"en {WEEKDAYS[day.weekday()]}"


def deadline_notice(day: dt.date, subject: str | None = None) -> str | None:
    """A Swedish warning when a deadline falls on a day off; None on a working day."""
    reason = non_working_reason(day)
    if reason is None:
        return None
    previous = shift_working_days(day, -1)
    subject = subject or f"Sista svarsdag {day.isoformat()}"
    return (
        f"{subject} är {reason}, inte en arbetsdag. Påminnelserna räknas ändå från den "
        f"(påminnelsen om sista svarsdag går ut {previous.isoformat()}); flytta den gärna till en arbetsdag."
    )
