"""The rounds list (the start page once logged in)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import select

from remiss.services.context import load_context
from remiss.services.status import round_status
from remiss.store.schema import RoundRow
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer


@dataclass
class RoundSummary:
    id: str
    title: str
    deadline: object
    days_left: int
    state: str
    counts: dict[str, int]


def summaries(request: Request) -> list[RoundSummary]:
    """Every round with its counts per status. (The lifecycle's round list replaces this when it lands.)"""
    today = common.desk(request).today()
    found = []
    with common.transaction(request) as session:
        for row in session.scalars(select(RoundRow).order_by(RoundRow.created_at.desc())):
            ctx = load_context(session, row.id)
            counts = Counter(s.status for s in round_status(session, ctx, today))
            state = "utskickad" if row.launched_at else "inte utskickad"
            found.append(
                RoundSummary(
                    row.id, row.title, row.deadline, (row.deadline - today).days, state, dict(counts)
                )
            )
    for summary in found:
        for key in ("missing", "incomplete", "complete"):
            summary.counts.setdefault(key, 0)
    return found


def rounds_page(request: Request, viewer: Viewer) -> Response:
    return templating.page(request, "rounds.html", viewer, title="Omgångar", rounds=summaries(request))
