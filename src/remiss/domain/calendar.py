"""Swedish working days: weekends, public holidays and the days treated as such.

The holidays come from the maintained `holidays` package (country SE), with its DE_FACTO
category: midsommarafton, julafton and nyårsafton are not public holidays by law but are
treated as Sundays (semesterlagen 7 §), and no förvaltning answers a remiss on them.
Everything that counts days for reminders or extensions goes through this module.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import DE_FACTO, PUBLIC

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")


def local_clock(moment: dt.datetime) -> str:
    """'2026-12-07 05:31': an instant as a person in Stockholm reads it (naive means UTC, as stored)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


@lru_cache(maxsize=1)
def _swedish() -> holidays.HolidayBase:
    return holidays.country_holidays("SE", categories=(PUBLIC, DE_FACTO), language="sv")


def stockholm_today(now: dt.datetime | None = None) -> dt.date:
    """The date in Stockholm: what a coordinator means by 'today', whatever the server's zone."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(STOCKHOLM).date()


@cache
def _year(year: int) -> tuple[dt.date, ...]:
    """Every working day of `year`, in order: computed once, since `holidays` is slow per call."""
    calendar, day, days = _swedish(), dt.date(year, 1, 1), []
    while day.year == year:
        if calendar.is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)


@cache
def _year_set(year: int) -> frozenset[dt.date]:
    return frozenset(_year(year))


def is_working_day(day: dt.date) -> bool:
    return day in _year_set(day.year)


def holiday_name(day: dt.date) -> str | None:
    """'Kristi himmelsfärdsdag', 'Midsommarafton', … or None."""
    return _swedish().get(day)


def shift_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (before it when n < 0); n = 0 gives `day` or the next working day."""
    year, days = day.year, _year(day.year)
    if n >= 0:
        index = (bisect_left(days, day) if n == 0 else bisect_right(days, day)) + max(n - 1, 0)
        while index >= len(days):
            index -= len(days)
            year += 1
            days = _year(year)
        return days[index]
    index = bisect_left(days, day) + n  # bisect_left - 1 is the last working day before `day`
    while index < 0:
        year -= 1
        days = _year(year)
        index += len(days)
    return days[index]


def working_days_after(start: dt.date, end: dt.date) -> list[dt.date]:
    """The working days after `start` up to and including `end`, in order."""
    found: list[dt.date] = []
    for year in range(start.year, end.year + 1):
        days = _year(year)
        low = bisect_right(days, start) if year == start.year else 0
        high = bisect_right(days, end) if year == end.year else len(days)
        found.extend(days[low:high])
    return found


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    total = 0
    for year in range(start.year, end.year + 1):
        days = _year(year)
        low = bisect_right(days, start) if year == start.year else 0
        high = bisect_right(days, end) if year == end.year else len(days)
        total += high - low
    return total


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
