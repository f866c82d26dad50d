"""Uploading returned files: the same intake as `remiss collect`, one outcome per file.

Each file streams to a private folder under REMISS_HOME/uppladdat (the request as a whole is
capped while it streams, see app.UploadCap; each file's own size limit is intake's), then
goes through the collect service. desk.js sends one request per dropped file, so each
file's outcome appears as soon as it is decided; without JavaScript the form sends them all.
"""

from __future__ import annotations

import shutil
import unicodedata
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from remiss.errors import ConfigError
from remiss.services.files import safe_name
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer, changer, viewer

router = APIRouter()


@router.get("/omgangar/{round_id}/ladda-upp", include_in_schema=False)
def upload_page(request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)]) -> Response:
    ctx = common.round_context(request, round_id)
    return templating.page(
        request, "upload.html", who, title=f"Ladda upp – {round_id}", round_id=round_id, nav="upload", ctx=ctx
    )


@router.post("/omgangar/{round_id}/ladda-upp", include_in_schema=False)
async def upload(
    request: Request, round_id: str, who: Annotated[Viewer, Depends(changer)], background: BackgroundTasks
) -> Response:
    form = await request.form()
    files = [f for f in form.getlist("filer") if isinstance(f, UploadFile) and f.filename]
    if not files:
        raise ConfigError("Välj minst en fil att ladda upp.")
    desk = common.desk(request)
    folder = desk.workspace.home / "uppladdat" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    paths: list[Path] = []
    for index, upload in enumerate(files):
        name = unicodedata.normalize("NFC", Path(upload.filename or "fil").name)
        target = folder / f"{index:03d}" / (safe_name(name) or "fil")
        target.parent.mkdir()
        with target.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)
        paths.append(target)
    from starlette.concurrency import run_in_threadpool

    def collect() -> list[dict[str, object]]:
        with desk.intake:  # a few collections at a time; the others wait here, holding nothing
            return desk.work.collect(round_id, paths, who.identity.name)

    try:
        results = await run_in_threadpool(collect)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for result, path in zip(results, paths, strict=True):
        result["file"] = path.name
    common.deliver_later(request, background, round_id)  # the receipts
    ctx = common.round_context(request, round_id)
    names = {org_id: ctx.organisation(org_id).forvaltning for org_id in ctx.recipients}
    template = "partials/upload_results.html"
    if request.headers.get("hx-request") or request.headers.get("x-remiss-upload"):
        return templating.fragment(template, results=results, round_id=round_id, names=names)
    return templating.page(
        request,
        "upload.html",
        who,
        title=f"Ladda upp – {round_id}",
        round_id=round_id,
        nav="upload",
        ctx=ctx,
        results=results,
        names=names,
    )
