"""The round's audit log, newest first, filterable by organisation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from remiss.services.context import load_context
from remiss.store.schema import AuditRow
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer, viewer

router = APIRouter()
LIMIT = 500
ACTIONS = {
    "round.created": "Omgången skapad",
    "round.issued": "Mallar utskickade",
    "round.launched": "Omgången utskickad",
    "file.accepted": "Fil mottagen",
    "file.rejected": "Fil avvisad",
    "reminder.written": "Påminnelse skriven",
    "extension.granted": "Anstånd",
    "review.completion": "Komplettering begärd",
    "review.approved": "Godkänd",
    "mail.sent": "E-post skickad",
    "mail.taken": "E-post hämtad",
    "annex.final": "Slutlig bilaga",
}


@router.get("/omgangar/{round_id}/logg", include_in_schema=False)
def log_page(
    request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)], org: str = ""
) -> Response:
    with common.transaction(request) as session:
        ctx = load_context(session, round_id)
        query = select(AuditRow).where(AuditRow.round_id == round_id)
        if org:
            query = query.where(AuditRow.organisation_id == org)
        rows = list(session.scalars(query.order_by(AuditRow.id.desc()).limit(LIMIT)))
    entries = [
        {
            "at": r.at,
            "action": ACTIONS.get(r.action, r.action),
            "organisation": ctx.organisation(r.organisation_id).forvaltning
            if r.organisation_id in ctx.catalog.by_id
            else "–",
            "actor": getattr(r, "actor", None) or r.detail.get("by") or "–",
            "detail": ", ".join(
                f"{k}: {v}" for k, v in r.detail.items() if k != "by" and v not in (None, "", [])
            ),
        }
        for r in rows
    ]
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
        organisations=organisations,
        chosen=org,
        limit=LIMIT,
    )
