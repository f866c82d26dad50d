"""One organisation: its answers as HTML, every version, diffs, mail; review, extension, resend."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from markupsafe import Markup

from remiss.documents.model import GENERAL
from remiss.errors import ConfigError, NotFoundError
from remiss.mail.settings import smtp_configured
from remiss.services import review
from remiss.services.chase import extensions
from remiss.services.context import load_context
from remiss.services.dossier import Version, organisation_dossier
from remiss.services.work import open_work
from remiss.store.schema import ReceivedFileRow
from remiss.web import templating
from remiss.web.actor import acting
from remiss.web.answers import answer_html, word_diff
from remiss.web.routes import common
from remiss.web.security import Viewer, changer, viewer

router = APIRouter()
MAIL_KINDS = {
    "request": "Förfrågan",
    "receipt": "Kvittens",
    "reminder": "Påminnelse",
    "completion": "Komplettering",
    "refusal": "Avvisning",
}
NOTICES = {
    "komplettera": "Begäran om komplettering är skriven och skickas till nämnden med e-post.",
    "godkand": "Svaret är markerat som godkänt.",
    "anstand": "Anståndet är registrerat.",
    "skickat": "Mallarna och förfrågan är skickade igen.",
}
# Without SMTP settings nothing is mailed: the message is an .eml file in the outbox.
NOTICES_WITHOUT_SMTP = {
    "komplettera": "Begäran om komplettering är skriven och ligger i utkorgen (e-post är inte inställd).",
    "skickat": "Mallarna och förfrågan är skrivna igen och ligger i utkorgen (e-post är inte inställd).",
    "aterkallad": "Filen är återkallad; den förra versionen gäller igen.",
}


def _answer(version: Version | None, key: str, field_id: str) -> Markup:
    found = version.answers.get((key, field_id)) if version else None
    rendered = answer_html(found.xml) if found is not None and not found.empty else ""
    if not rendered:
        return Markup('<p class="tomt">Tomt.</p>')
    return Markup(f'<div class="svar">{rendered}</div>')  # sanitised by nh3 in answer_html


@router.get("/omgangar/{round_id}/org/{org_id}", include_in_schema=False)
def organisation_page(
    request: Request, round_id: str, org_id: str, who: Annotated[Viewer, Depends(viewer)], klart: str = ""
) -> Response:
    desk = common.desk(request)
    with desk.db.session() as session:
        ctx = load_context(session, round_id)
        dossier = organisation_dossier(session, ctx, org_id, desk.today())
    return templating.page(
        request,
        "organisation.html",
        who,
        title=f"{dossier.organisation.forvaltning} – {round_id}",
        round_id=round_id,
        nav="tavla",
        ctx=ctx,
        d=dossier,
        fields=ctx.definition.fields,
        answer=lambda v, key, field_id: _answer(v, GENERAL if key == "__general__" else key, field_id),
        mail_kinds=MAIL_KINDS,
        notice=(NOTICES if smtp_configured() else NOTICES | NOTICES_WITHOUT_SMTP).get(klart, ""),
        can_resend=True,
        can_withdraw=True,
    )


@router.get("/omgangar/{round_id}/org/{org_id}/jamfor", include_in_schema=False)
def compare(
    request: Request, round_id: str, org_id: str, a: int, b: int, who: Annotated[Viewer, Depends(viewer)]
) -> Response:
    desk = common.desk(request)
    with desk.db.session() as session:
        ctx = load_context(session, round_id)
        dossier = organisation_dossier(session, ctx, org_id, desk.today())
    first, second = dossier.version(a), dossier.version(b)
    fields = ctx.definition.fields
    slots = [(fields.general.label, GENERAL, fields.general.id)]
    slots += [
        (f"{x.measure.number} {x.measure.title} – {f.label}", x.key, f.id)
        for x in dossier.assignments
        for f in fields.word
    ]
    parts = []
    for label, key, field_id in slots:
        before, after = first.answers.get((key, field_id)), second.answers.get((key, field_id))
        old, new = (before.text if before else ""), (after.text if after else "")
        parts.append((label, Markup(word_diff(old, new)), old != new))
    return templating.page(
        request,
        "diff.html",
        who,
        title=f"Jämförelse – {dossier.organisation.forvaltning}",
        round_id=round_id,
        nav="tavla",
        ctx=ctx,
        org=dossier.organisation,
        a=first,
        b=second,
        parts=parts,
    )


def _back(round_id: str, org_id: str, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/omgangar/{round_id}/org/{org_id}?klart={notice}", status_code=303)


def _date(value: str, label: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"{label}: '{value}' är inget datum (ÅÅÅÅ-MM-DD).") from None


@router.post("/omgangar/{round_id}/org/{org_id}/komplettera", include_in_schema=False)
def ask_completion(
    request: Request,
    round_id: str,
    org_id: str,
    who: Annotated[Viewer, Depends(changer)],
    background: BackgroundTasks,
    message: Annotated[str, Form()] = "",
    new_deadline: Annotated[str, Form()] = "",
) -> Response:
    until = _date(new_deadline, "Ny sista svarsdag")
    work = open_work(common.desk(request).workspace, round_id, by=who.identity.name)
    with acting(who.identity.name), work.db.session() as session:
        review.request_completion(session, work, org_id, message, new_deadline=until)
    common.deliver_later(request, background, round_id)
    return _back(round_id, org_id, "komplettera")


@router.post("/omgangar/{round_id}/org/{org_id}/godkann", include_in_schema=False)
def approve(
    request: Request, round_id: str, org_id: str, who: Annotated[Viewer, Depends(changer)]
) -> Response:
    work = open_work(common.desk(request).workspace, round_id, by=who.identity.name)
    with acting(who.identity.name), work.db.session() as session:
        review.approve(session, work, org_id)
    return _back(round_id, org_id, "godkand")


@router.post("/omgangar/{round_id}/org/{org_id}/anstand", include_in_schema=False)
def extend(
    request: Request,
    round_id: str,
    org_id: str,
    who: Annotated[Viewer, Depends(changer)],
    until: Annotated[str, Form()] = "",
) -> Response:
    day = _date(until, "Anstånd")
    if day is None:
        raise ConfigError("Ange den nya sista svarsdagen.")
    work = open_work(common.desk(request).workspace, round_id, by=who.identity.name)
    with acting(who.identity.name), work.db.session() as session:
        extensions.grant_extension(session, work, org_id, day)
    return _back(round_id, org_id, "anstand")


@router.get("/filer/{file_id}", include_in_schema=False)
def download(request: Request, file_id: int, _who: Annotated[Viewer, Depends(viewer)]) -> Response:
    """A received file (accepted or refused) by its id; never by a path from the request."""
    with common.transaction(request) as session:
        row = session.get(ReceivedFileRow, file_id)
        if row is None:
            raise NotFoundError(f"Det finns ingen mottagen fil med nummer {file_id}.")
        path, name = row.stored_path, row.original_name
    return FileResponse(path, filename=name, media_type="application/octet-stream")
