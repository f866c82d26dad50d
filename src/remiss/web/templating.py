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

from remiss.domain.calendar import local_clock
from remiss.domain.catalog import Group
from remiss.domain.outcomes import AnswerStatus, FileState, Outcome, refusal_label
from remiss.services.status import NOT_IN
from remiss.swedish import long_date

TEMPLATES = Path(__file__).with_name("templates")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Every word comes from the domain's enums (one place for the CLI, mails, workbook and desk).
STATUS_LABELS = {s.value: s.label.capitalize() for s in AnswerStatus}
GROUP_LABELS = {g.value: g.label for g in Group}  # one organisation's kind: 'Fackförvaltning'
GROUP_HEADINGS = {g.value: g.heading for g in Group}  # a filter or heading: 'Fackförvaltningar'


def outcome_view(result: Any) -> tuple[str, str]:
    """An upload's outcome as (label, css class): a duplicate says what became of the earlier
    file, so the same bytes refused before read red with the refusal, never as 'received'."""
    field = result.get if isinstance(result, dict) else lambda name: getattr(result, name, None)
    outcome = Outcome(field("outcome"))
    earlier = FileState(field("earlier_state")) if field("earlier_state") else None
    if outcome is Outcome.DUPLICATE and earlier is not None:
        css = {FileState.REJECTED: "fel", FileState.WITHDRAWN: "varn"}.get(earlier, "neutral")
        return f"{outcome.label.capitalize()}, redan {earlier.label}", css
    css = {
        Outcome.REJECTED: "fel",
        Outcome.INCOMPLETE: "varn",
        Outcome.DUPLICATE: "neutral",
    }.get(outcome, "ok")
    return outcome.label.capitalize(), css


def when(value: dt.datetime | str | None) -> str:
    """'2016-04-28 09:15' in Stockholm time."""
    if value is None:
        return "–"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return local_clock(value)


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
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        NOT_IN=NOT_IN,
        GROUP_LABELS=GROUP_LABELS,
        GROUP_HEADINGS=GROUP_HEADINGS,
        outcome_view=outcome_view,
        refusal_label=refusal_label,
    )
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
