"""The rounds list (the start page once logged in), from the lifecycle's round views."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from remiss.services.lifecycle.views import RoundSummary, list_rounds
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer


def summaries(request: Request) -> list[RoundSummary]:
    """Every round with its state and counts per status, on the desk's today."""
    desk = common.desk(request)
    return list_rounds(desk.workspace, desk.today())


def rounds_page(request: Request, viewer: Viewer) -> Response:
    today = common.desk(request).today()
    return templating.page(
        request, "rounds.html", viewer, title="Omgångar", rounds=summaries(request), today=today
    )
