"""The JSON API: the same data as the pages, described by FastAPI's OpenAPI (/api/docs).

`/api/rounds/{id}/status` is exactly what `remiss status ID --json` prints.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from remiss.services.context import load_context
from remiss.services.status import round_status
from remiss.web.routes import common
from remiss.web.routes.rounds import summaries
from remiss.web.security import Viewer, viewer

router = APIRouter(prefix="/api", tags=["omgångar"])


@router.get("/rounds", summary="Alla omgångar med antal per status")
def rounds(request: Request, _who: Annotated[Viewer, Depends(viewer)]) -> list[dict[str, Any]]:
    return [asdict(s) for s in summaries(request)]


@router.get("/rounds/{round_id}/status", summary="Status per förvaltning (som `remiss status --json`)")
def status(request: Request, round_id: str, _who: Annotated[Viewer, Depends(viewer)]) -> list[dict[str, Any]]:
    desk = common.desk(request)
    with desk.db.session() as session:
        ctx = load_context(session, round_id)
        return [asdict(s) for s in round_status(session, ctx, desk.today())]
