"""The round's quarantine: every refused file with its reason, downloadable by id, attributable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from remiss.services.context import load_context
from remiss.store.schema import ReceivedFileRow
from remiss.web import templating
from remiss.web.actor import acting
from remiss.web.routes import common
from remiss.web.security import Viewer, changer, viewer

router = APIRouter()


def attribute_service():  # type: ignore[no-untyped-def]
    """The lifecycle's `attribute` service, when this remiss has it (else None: no button)."""
    try:
        from remiss.services.lifecycle import attribute  # type: ignore[attr-defined]
    except ImportError:
        return None
    return getattr(attribute, "attribute_file", None)


@router.get("/omgangar/{round_id}/karantan", include_in_schema=False)
def quarantine_page(
    request: Request, round_id: str, who: Annotated[Viewer, Depends(viewer)], klart: str = ""
) -> Response:
    with common.transaction(request) as session:
        ctx = load_context(session, round_id)
        files = list(
            session.scalars(
                select(ReceivedFileRow)
                .where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == "rejected")
                .order_by(ReceivedFileRow.received_at.desc())
            )
        )
    organisations = [ctx.organisation(o) for o in ctx.recipient_ids]
    return templating.page(
        request,
        "quarantine.html",
        who,
        title=f"Karantän – {round_id}",
        round_id=round_id,
        nav="karantan",
        ctx=ctx,
        files=files,
        organisations=organisations,
        can_attribute=attribute_service() is not None,
        notice="Filen är tillskriven förvaltningen och inläst." if klart else "",
    )


@router.post("/omgangar/{round_id}/karantan/{file_id}/tillskriv", include_in_schema=False)
def attribute(
    request: Request,
    round_id: str,
    file_id: int,
    who: Annotated[Viewer, Depends(changer)],
    organisation: Annotated[str, Form()] = "",
) -> Response:
    from remiss.errors import StateError

    service = attribute_service()
    if service is None:
        raise StateError("Den här versionen av remiss kan ännu inte tillskriva filer i karantän.")
    from remiss.services.work import open_work

    with acting(who.identity.name):
        work = open_work(common.desk(request).workspace, round_id, by=who.identity.name)
        service(work, str(file_id), organisation)
    return RedirectResponse(f"/omgangar/{round_id}/karantan?klart=1", status_code=303)
