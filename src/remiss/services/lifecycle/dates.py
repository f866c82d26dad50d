"""Warnings about a date a coordinator gives: in the past, or not a working day."""

from __future__ import annotations

import datetime as dt

from remiss.domain.calendar import deadline_notice, stockholm_today


def date_warnings(
    day: dt.date, subject: str, today: dt.date | None = None, *, working_day: bool = True
) -> list[str]:
    """Swedish warnings for `day` (e.g. subject 'Sista svarsdag 2016-04-29'); empty when it is fine.

    A past date is allowed (a round re-run for the record, a demo) but almost always a typo.
    """
    today = today or stockholm_today()
    found = []
    if day < today:
        found.append(
            f"{subject} har redan passerat (i dag är det {today.isoformat()}). "
            "Påminnelser räknas från den och svar som kommer in räknas som sena."
        )
    notice = deadline_notice(day, subject) if working_day else None
    if notice:
        found.append(notice)
    return found
