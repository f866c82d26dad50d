"""Swedish formatting of dates and lists, as the documents and e-mails print them."""

from __future__ import annotations

import calendar
import datetime as dt
import re

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def long_date(day: dt.date) -> str:
    """29 april 2016"""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def join_and(items: list[str]) -> str:
    """'a, b och c'"""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def tally(complete: int, incomplete: int, missing: int, late: int) -> str:
    """'20 kompletta, 1 ofullständig, 10 saknas av 31; 2 kom in efter sista svarsdag.' — the round's
    count, as the status table, the tracking workbook, the demo and the annex print it ("ingen kom
    in …" rather than "0 kom in …")."""
    parts = (
        f"{complete} {'komplett' if complete == 1 else 'kompletta'}",
        f"{incomplete} {'ofullständig' if incomplete == 1 else 'ofullständiga'}",
        f"{missing} saknas",
    )
    total = complete + incomplete + missing
    return f"{', '.join(parts)} av {total}; {late or 'ingen'} kom in efter sista svarsdag."


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_date(text: str) -> dt.date:
    """'2026-04-29' as a date, or a ValueError that tells a person what is wrong with it.

    Python's own errors ("day is out of range for month") say neither which value nor why;
    this names the value and the month's length, in Swedish, for round files and the CLI alike.
    """
    match = _ISO_DAY.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text}' är inget datum: skriv det som ÅÅÅÅ-MM-DD, t.ex. 2026-04-29")
    year, month, day = (int(part) for part in match.groups())
    if year < 1:
        raise ValueError(f"'{text}' är inget datum: år {year} finns inte")
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' är inget datum: månad {month} finns inte (1–12)")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"'{text}' är inget datum: {MONTHS[month - 1]} {year} har {days} dagar")
    return dt.date(year, month, day)
