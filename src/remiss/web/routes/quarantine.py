"""The round's quarantine: every refused file with its reason, downloadable by id, attributable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select

from remiss.domain.outcomes import FileState
from remiss.services.context import RoundContext, load_context
from remiss.services.lifecycle.received import ATTRIBUTABLE
from remiss.store.schema import ReceivedFileRow
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer, viewer

router = APIRouter()
NOTICES = {
    "1": "Filen är tillskriven förvaltningen och inläst.",
    "bekraftad": "Filen är bekräftad och gäller nu som förvaltningens svar.",
}


@router.get("/omgangar/{round_id}/karantan", include_in_schema=False)
def quarantine_page(
    request: Request,
    round_id: str,
    who: Annotated[Viewer, Depends(viewer)],
    klart: str = "",
    org: str = "",
) -> Response:
    with common.transaction(request) as session:
        ctx = load_context(session, round_id)
        files = list(
            session.scalars(
                select(ReceivedFileRow)
                .where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == FileState.REJECTED)
                .order_by(ReceivedFileRow.received_at.desc())
            )
        )
        pending = list(
            session.scalars(
                select(ReceivedFileRow)
                .where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == FileState.PENDING)
                .order_by(ReceivedFileRow.received_at)
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
        pending=pending,
        organisations=organisations,
        attributable=ATTRIBUTABLE,
        notice=_notice(ctx, klart, org),
    )


def _notice(ctx: RoundContext, klart: str, org: str) -> str:
    """What was just done; an attributed file names the förvaltning it now counts for."""
    if klart == "1" and org in ctx.recipients:
        return f"Filen är tillskriven {ctx.organisation(org).forvaltning} och inläst som dess svar."
    return NOTICES.get(klart, "")
