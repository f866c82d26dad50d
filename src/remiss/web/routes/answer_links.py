"""The desk's side of a nämnd's answer link: make a new one (shown once) or block it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from remiss.services import links
from remiss.services.work import open_work
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer, changer

router = APIRouter(include_in_schema=False)


@router.post("/omgangar/{round_id}/org/{org_id}/svarslank/ny")
async def new_link(
    request: Request, round_id: str, org_id: str, who: Annotated[Viewer, Depends(changer)]
) -> Response:
    desk = common.desk(request)
    work = open_work(desk.workspace, round_id, by=who.identity.name)
    token_url = await run_in_threadpool(links.reissue, work, org_id)
    url = f"{desk.base_url}/svar/{token_url.rsplit('/', 1)[1]}" if desk.base_url else token_url
    return _done(request, who, work, org_id, url=url, ended=0)


@router.post("/omgangar/{round_id}/org/{org_id}/svarslank/sparra")
async def block_link(
    request: Request, round_id: str, org_id: str, who: Annotated[Viewer, Depends(changer)]
) -> Response:
    desk = common.desk(request)
    work = open_work(desk.workspace, round_id, by=who.identity.name)
    ended = await run_in_threadpool(links.revoke, work, org_id)
    return _done(request, who, work, org_id, url=None, ended=ended)


def _done(request: Request, who: Viewer, work, org_id: str, *, url: str | None, ended: int) -> Response:  # type: ignore[no-untyped-def]
    response = templating.page(
        request,
        "svar/desk_link_done.html",
        who,
        title=f"Svarslänk – {org_id}",
        round_id=work.round_id,
        nav="tavla",
        ctx=work.round,
        org=work.round.organisation(org_id),
        url=url,
        ended=ended,
    )
    response.headers["cache-control"] = "no-store"
    return response
