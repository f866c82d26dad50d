"""The round's audit log, newest first, filterable by organisation (the lifecycle's `read_log`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from remiss.services.lifecycle.log import read_log
from remiss.services.work import open_work
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer, viewer

router = APIRouter()
LIMIT = 500


@router.get("/omgangar/{round_id}/logg", include_in_schema=False)
def log_page(
    request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)], org: str = ""
) -> Response:
    work = open_work(common.desk(request).workspace, round_id)
    ctx = work.round
    entries = list(reversed(read_log(work, organisation=org or None, limit=LIMIT)))
    names = {o.id: o.forvaltning for o in ctx.catalog.organisations}
    organisations = [ctx.organisation(o) for o in ctx.recipient_ids]
    return templating.page(
        request,
        "log.html",
        who,
        title=f"Logg – {round_id}",
        round_id=round_id,
        nav="logg",
        ctx=ctx,
        entries=entries,
        names=names,
        organisations=organisations,
        chosen=org,
        limit=LIMIT,
    )
