"""The board of one round, and its table alone for htmx's polling and filtering."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from remiss.services import board as board_service
from remiss.services.context import load_context
from remiss.services.lifecycle.state import state_of
from remiss.store.schema import RoundRow
from remiss.web import templating
from remiss.web.routes import common
from remiss.web.security import Viewer, viewer

router = APIRouter()


@dataclass(frozen=True)
class BoardQuery:
    """The board's filter and order, named as in its address (the page and its polled table share it)."""

    grupp: str = ""
    status: str = ""
    sortera: str = "grupp"
    ordning: str = "stigande"


def _board_context(request: Request, round_id: str, asked: BoardQuery) -> dict[str, object]:
    if asked.sortera not in board_service.SORTS:
        asked = replace(asked, sortera="grupp")
    desk = common.desk(request)
    with desk.db.session() as session:
        ctx = load_context(session, round_id)
        row = session.get(RoundRow, round_id)
        board = board_service.build_board(
            session,
            ctx,
            desk.today(),
            group=asked.grupp or None,
            status=asked.status or None,
            sort=asked.sortera,
            descending=asked.ordning == "fallande",
        )
    query = asdict(asked)
    return {
        "ctx": ctx,
        "board": board,
        "query": query,
        "query_string": urlencode({k: v for k, v in query.items() if v}),
        "sorts": board_service.SORTS,
        "updated": templating.when(templating.now()),
        "round_id": round_id,
        "state": state_of(row) if row else None,
        "deadline": row.deadline if row else ctx.definition.deadline,
        "others": sorted(
            (o for o in ctx.catalog.organisations if o.id not in ctx.recipients), key=lambda o: o.forvaltning
        ),
    }


Asked = Annotated[BoardQuery, Depends()]


@router.get("/omgangar/{round_id}", include_in_schema=False)
def board_page(
    request: Request,
    round_id: str,
    who: Annotated[Viewer, Depends(viewer)],
    asked: Asked,
    klart: Annotated[str, Query()] = "",
) -> Response:
    from remiss.web.routes.lifecycle import BOARD_NOTICES

    found = _board_context(request, round_id, asked)
    return templating.page(
        request,
        "board.html",
        who,
        title=f"Tavla {round_id}",
        nav="tavla",
        notice=BOARD_NOTICES.get(klart, ""),
        **found,
    )


@router.get("/omgangar/{round_id}/tavla", include_in_schema=False)
def board_table(
    request: Request,
    round_id: str,
    _who: Annotated[Viewer, Depends(viewer)],
    asked: Asked,
) -> Response:
    query = urlencode({k: v for k, v in request.query_params.items() if v})
    page_url = f"/omgangar/{round_id}" + (f"?{query}" if query else "")
    if not request.headers.get("hx-request") or request.headers.get("hx-history-restore-request"):
        # the table alone is for htmx; an address typed, bookmarked or reloaded gets the page
        return RedirectResponse(page_url, status_code=303)
    found = _board_context(request, round_id, asked)
    response = templating.fragment("partials/board_table.html", **found)
    if request.headers.get("hx-trigger") == "tavla-filter":  # the filter form, not the polling
        response.headers["HX-Push-Url"] = page_url
    return response
