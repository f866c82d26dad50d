"""Jinja2 for the desk: autoescaped templates, Swedish formatting filters, one `page` helper."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from remiss.swedish import long_date

TEMPLATES = Path(__file__).with_name("templates")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
STATUS_LABELS = {"missing": "Saknas", "incomplete": "Ofullständig", "complete": "Komplett"}
GROUP_LABELS = {"fack": "Facknämnder", "stadsdel": "Stadsdelsnämnder", "bolag": "Bolag"}
OUTCOME_LABELS = {
    "accepted": "Mottagen",
    "superseded": "Ny version",
    "incomplete": "Mottagen, utan svar",
    "duplicate": "Redan mottagen",
    "rejected": "Avvisad",
}


def when(value: dt.datetime | str | None) -> str:
    """'2016-04-28 09:15' in Stockholm time."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def day(value: dt.date | str | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return long_date(value)


def days_left(deadline: dt.date | str, today: dt.date | None = None) -> str:
    """'12', or 'passerad' once the deadline is behind us (in Stockholm)."""
    from remiss.domain.calendar import stockholm_today

    if isinstance(deadline, str):
        deadline = dt.date.fromisoformat(deadline)
    left = (deadline - (today or stockholm_today())).days
    return str(left) if left >= 0 else "passerad"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=when, day=day)
    env.globals.update(days_left=days_left)
    env.globals.update(STATUS_LABELS=STATUS_LABELS, GROUP_LABELS=GROUP_LABELS, OUTCOME_LABELS=OUTCOME_LABELS)
    return env


def render_string(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def page(
    request: Request, template: str, viewer: Any, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A whole page, or only its `content` block when htmx asks for a fragment of it."""
    desk = request.app.state.desk
    context.setdefault("title", "remiss")
    context.setdefault("round_id", None)
    context.setdefault("nav", "")
    html = render_string(template, request=request, viewer=viewer, base_url=desk.base_url, **context)
    return HTMLResponse(html, status_code=status_code)


def fragment(template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render_string(template, **context), status_code=status_code)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
