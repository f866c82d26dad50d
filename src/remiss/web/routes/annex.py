"""Building the annex from the desk: draft or final, PDF, workbook, per åtgärd; progress; download."""

from __future__ import annotations

import contextvars
import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from remiss.domain.calendar import STOCKHOLM
from remiss.errors import NotFoundError
from remiss.web import templating
from remiss.web.actor import acting
from remiss.web.jobs import Job
from remiss.web.routes import common
from remiss.web.security import Viewer, changer, viewer

router = APIRouter()
KINDS = {"docx": "Word (.docx)", "pdf": "PDF", "xlsx": "Arbetsbok (.xlsx)"}


@router.get("/omgangar/{round_id}/bilaga", include_in_schema=False)
def annex_page(request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)]) -> Response:
    ctx = common.round_context(request, round_id)
    jobs = common.desk(request).jobs.of_round(round_id)
    return templating.page(
        request,
        "annex.html",
        who,
        title=f"Bilaga – {round_id}",
        round_id=round_id,
        nav="bilaga",
        ctx=ctx,
        jobs=jobs,
        kinds=KINDS,
    )


@router.post("/omgangar/{round_id}/bilaga", include_in_schema=False)
def annex_build(
    request: Request,
    round_id: str,
    who: Annotated[Viewer, Depends(changer)],
    final: Annotated[bool, Form()] = False,
    pdf: Annotated[bool, Form()] = False,
    xlsx: Annotated[bool, Form()] = False,
    by_measure: Annotated[bool, Form()] = False,
) -> Response:
    desk = common.desk(request)
    ctx = common.round_context(request, round_id)  # an unknown round is refused now, not in the job
    stamp = dt.datetime.now(STOCKHOLM).strftime("%Y%m%d-%H%M%S")  # the file name a coordinator reads
    kind = "slutlig" if final else "utkast"
    name = f"bilaga-{round_id}{'-per-atgard' if by_measure else ''}-{kind}-{stamp}.docx"
    per = f" per {ctx.definition.vocabulary.item.one}" if by_measure else ""
    title = f"{'Slutlig bilaga' if final else 'Utkast'}{per}"
    title += "".join(label for on, label in ((pdf, ", PDF"), (xlsx, ", arbetsbok")) if on)

    def build(job: Job) -> None:
        assert job.folder is not None
        output = job.folder / name
        output.parent.mkdir(parents=True, exist_ok=True)
        job.phase = "Sammanställer svaren" + (" och gör PDF" if pdf else "")
        with acting(who.identity.name):
            options = {"final": final, "pdf": pdf, "xlsx": xlsx, "by_measure": by_measure}
            result = desk.work.annex(round_id, output, who.identity.name, **options)
        job.result = result
        job.files = {
            k: Path(str(result[key]))
            for k, key in (("docx", "annex"), ("pdf", "pdf"), ("xlsx", "xlsx"))
            if result.get(key)
        }

    context = contextvars.copy_context()
    desk.jobs.start(round_id, title, who.identity.name, lambda job: context.run(build, job))
    return RedirectResponse(f"/omgangar/{round_id}/bilaga", status_code=303)


@router.get("/omgangar/{round_id}/bilaga/jobb", include_in_schema=False)
def annex_jobs(request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)]) -> Response:
    jobs = common.desk(request).jobs.of_round(round_id)
    return templating.fragment("partials/jobs.html", jobs=jobs, kinds=KINDS, round_id=round_id)


@router.get("/omgangar/{round_id}/bilaga/{job_id}/{kind}", include_in_schema=False)
def annex_download(
    request: Request, round_id: str, job_id: str, kind: str, _who: Annotated[Viewer, Depends(viewer)]
) -> Response:
    job = common.desk(request).jobs.get(round_id, job_id)
    if job is None or kind not in job.files:
        raise NotFoundError("Den bilagan finns inte (längre); bygg den igen.")
    path = job.files[kind]
    return FileResponse(path, filename=path.name, media_type="application/octet-stream")
