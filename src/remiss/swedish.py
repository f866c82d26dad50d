"""Swedish formatting of dates and lists, as the documents and e-mails print them."""

from __future__ import annotations

import datetime as dt

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
