"""Creating a round by uploading its YAML, previewing one nämnd's templates, and launching it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from remiss import resources
from remiss.documents.excel.template import build_response_xlsx
from remiss.documents.word.template import build_response_docx
from remiss.errors import ConfigError, RemissError
from remiss.services import links, rounds
from remiss.services.launch import file_names, render_request
from remiss.services.lifecycle.dates import date_warnings
from remiss.web import templating
from remiss.web.actor import acting
from remiss.web.routes import common
from remiss.web.security import Viewer, changer, viewer

router = APIRouter()
MAX_YAML = 2 * 1024 * 1024
CREATED = {
    "ja": "Omgången är sparad. Granska vad nämnderna får innan den skickas ut.",
    "fanns": "Omgången fanns redan med exakt samma innehåll; ingenting ändrades.",
}


@router.get("/omgangar/ny", include_in_schema=False)
def new_round_page(request: Request, who: Annotated[Viewer, Depends(viewer)]) -> Response:
    return templating.page(request, "create.html", who, title="Skapa en omgång", error="")


@router.post("/omgangar/ny", include_in_schema=False)
async def create_round(request: Request, who: Annotated[Viewer, Depends(changer)]) -> Response:
    form = await request.form()
    upload = form.get("definition")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ConfigError("Välj omgångens YAML-fil.")
    data = await upload.read(MAX_YAML + 1)
    if len(data) > MAX_YAML:
        raise ConfigError(f"{upload.filename} är större än 2 MB; en omgångsdefinition är mycket mindre.")
    desk = common.desk(request)
    with tempfile.TemporaryDirectory(prefix="remiss-omgang-") as folder:
        # An uploaded file has no folder of its own: the usual `catalog: ../catalog.yaml` (and a
        # round without `catalog:`) means the city's catalog, REMISS_CATALOG or the bundled one.
        catalog = Path(os.environ.get("REMISS_CATALOG") or resources.default_catalog())
        shutil.copyfile(catalog, Path(folder) / "catalog.yaml")
        path = Path(folder) / "rounds" / (Path(upload.filename).name or "omgang.yaml")
        path.parent.mkdir()
        path.write_bytes(data)

        def create() -> tuple[str, bool]:
            with acting(who.identity.name), desk.db.session() as session:
                definition, created = rounds.create_round(session, path)
                return definition.id, created

        try:
            round_id, created = await run_in_threadpool(create)
        except RemissError as exc:  # shown on the form, with the file's line and field
            return templating.page(
                request, "create.html", who, title="Skapa en omgång", error=str(exc), status_code=400
            )
    return RedirectResponse(
        f"/omgangar/{round_id}/forhandsgranska?skapad={'ja' if created else 'fanns'}", status_code=303
    )


@router.get("/omgangar/{round_id}/forhandsgranska", include_in_schema=False)
def preview(
    request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)], org: str = "", skapad: str = ""
) -> Response:
    ctx = common.round_context(request, round_id)
    deadline, today = ctx.definition.deadline, common.desk(request).today()
    # what `remiss round create` says on stderr: a past deadline or one on a day off, before launch
    warnings = [] if ctx.launched else date_warnings(deadline, f"Sista svarsdag {deadline}", today)
    org_id = org if org in ctx.recipients else ctx.recipient_ids[0]
    organisation = ctx.organisation(org_id)
    # the request as sent: its link is made at launch, so the preview shows where it will stand
    placeholder = links.link_url(
        "(nämndens personliga länk, skapas vid utskicket)", common.desk(request).base_url
    )
    subject, body = render_request(ctx, org_id, link=placeholder)
    return templating.page(
        request,
        "preview.html",
        who,
        title=f"Förhandsgranska {round_id}",
        round_id=round_id,
        nav="tavla",
        ctx=ctx,
        org=organisation,
        organisations=[ctx.organisation(o) for o in ctx.recipient_ids],
        assignments=ctx.assignments(org_id),
        subject=subject,
        body=body,
        names=file_names(ctx, org_id),
        notice=CREATED.get(skapad, ""),
        warnings=warnings,
    )


@router.get("/omgangar/{round_id}/forhandsgranska/{org_id}/{kind}", include_in_schema=False)
def preview_file(
    request: Request, round_id: str, org_id: str, kind: str, _who: Annotated[Viewer, Depends(viewer)]
):
    ctx = common.round_context(request, round_id)
    if org_id not in ctx.recipients or kind not in ("docx", "xlsx"):
        raise ConfigError(f"Ingen mall '{kind}' för '{org_id}' i {round_id}.")
    build = build_response_docx if kind == "docx" else build_response_xlsx
    data = build(ctx.definition, ctx.organisation(org_id), ctx.assignments(org_id), ctx.identity(org_id))
    name = file_names(ctx, org_id)[0 if kind == "docx" else 1]
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/omgangar/{round_id}/skicka-ut", include_in_schema=False)
async def launch(request: Request, round_id: str, who: Annotated[Viewer, Depends(changer)]) -> Response:
    desk = common.desk(request)
    common.round_context(request, round_id)

    def work() -> None:
        with acting(who.identity.name):
            desk.work.launch(round_id, who.identity.name)

    await run_in_threadpool(work)
    return RedirectResponse(f"/omgangar/{round_id}", status_code=303)
