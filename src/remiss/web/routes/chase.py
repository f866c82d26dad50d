"""Reminders due today: previewed as the nämnd will read them, then written and sent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from remiss.mail.settings import smtp_configured
from remiss.services.chase_preview import due_today
from remiss.services.context import load_context
from remiss.web import templating
from remiss.web.actor import acting
from remiss.web.routes import common
from remiss.web.security import Viewer, changer, viewer

router = APIRouter()


def _page(request: Request, round_id: str, who: Viewer, **extra: object) -> Response:
    desk = common.desk(request)
    with desk.db.session() as session:
        ctx = load_context(session, round_id)
        previews = due_today(session, ctx, desk.today())
    return templating.page(
        request,
        "chase.html",
        who,
        title=f"Påminnelser – {round_id}",
        round_id=round_id,
        nav="paminnelser",
        ctx=ctx,
        previews=previews,
        today=desk.today(),
        **extra,
    )


@router.get("/omgangar/{round_id}/paminnelser", include_in_schema=False)
def chase_page(request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)]) -> Response:
    return _page(request, round_id, who)


@router.post("/omgangar/{round_id}/paminnelser", include_in_schema=False)
async def chase_send(request: Request, round_id: str, who: Annotated[Viewer, Depends(changer)]) -> Response:
    desk = common.desk(request)

    def work() -> tuple[list[dict[str, object]], dict[str, object]]:
        with acting(who.identity.name):
            written = desk.work.chase(round_id, desk.today(), who.identity.name)
            return written, desk.work.send(round_id)

    written, sent = await run_in_threadpool(work)
    return _page(request, round_id, who, written=written, sent=sent, smtp=smtp_configured())
