"""The round after launch, from the desk: the lifecycle services (issue 13) behind small forms.

Move the deadline, add or withdraw a recipient, close and reopen the round, resend one
nämnd its templates, withdraw a wrongly accepted file, attribute a quarantined one. Each
runs as the logged-in user (the audit log's actor) and sends the browser back to the page
it came from with a fixed notice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from remiss.errors import ConfigError
from remiss.services.intake import pending
from remiss.services.lifecycle import attribute, deadline, recipients, resend, state, withdraw
from remiss.services.work import Work, open_work
from remiss.web.routes import common
from remiss.web.security import Viewer, changer

router = APIRouter()
BOARD_NOTICES = {
    "deadline": "Sista svarsdagen är flyttad.",
    "tillagd": "Mottagaren är tillagd; mallar och förfrågan är skickade.",
    "borttagen": "Mottagaren är borttagen ur omgången (filerna finns kvar).",
    "stangd": "Omgången är stängd: inga fler svar tas emot.",
    "oppnad": "Omgången är öppen igen.",
}


async def _run(request: Request, round_id: str, who: Viewer, step: Callable[[Work], Any]) -> Any:
    """`step` on a Work made for this user, in a worker thread (it may write files and mail)."""
    desk = common.desk(request)

    def call() -> Any:
        return step(open_work(desk.workspace, round_id, today=desk.today(), by=who.identity.name))

    return await run_in_threadpool(call)


def _to(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _chosen(organisation: str) -> str:
    """The organisation picked in a form's list (its first entry asks for a choice)."""
    if not organisation.strip():
        raise ConfigError("Välj en förvaltning i listan först.")
    return organisation.strip()


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"Sista svarsdag: '{value}' är inget datum (ÅÅÅÅ-MM-DD).") from None


Who = Annotated[Viewer, Depends(changer)]


@router.post("/omgangar/{round_id}/sista-svarsdag", include_in_schema=False)
async def move_deadline(
    request: Request, round_id: str, who: Who, day: Annotated[str, Form()] = ""
) -> Response:
    new = _date(day)
    await _run(request, round_id, who, lambda work: deadline.move_deadline(work, new))
    return _to(f"/omgangar/{round_id}?klart=deadline")


@router.post("/omgangar/{round_id}/mottagare", include_in_schema=False)
async def add_recipient(
    request: Request,
    round_id: str,
    who: Who,
    background: BackgroundTasks,
    organisation: Annotated[str, Form()] = "",
) -> Response:
    org = _chosen(organisation)
    await _run(request, round_id, who, lambda work: recipients.add_recipient(work, org))
    common.deliver_later(request, background, round_id)
    return _to(f"/omgangar/{round_id}?klart=tillagd")


@router.post("/omgangar/{round_id}/mottagare/ta-bort", include_in_schema=False)
async def withdraw_recipient(
    request: Request, round_id: str, who: Who, organisation: Annotated[str, Form()] = ""
) -> Response:
    org = _chosen(organisation)
    await _run(request, round_id, who, lambda work: recipients.withdraw_recipient(work, org))
    return _to(f"/omgangar/{round_id}?klart=borttagen")


@router.post("/omgangar/{round_id}/stang", include_in_schema=False)
async def close(request: Request, round_id: str, who: Who) -> Response:
    await _run(request, round_id, who, state.close_round)
    return _to(f"/omgangar/{round_id}?klart=stangd")


@router.post("/omgangar/{round_id}/oppna", include_in_schema=False)
async def reopen(request: Request, round_id: str, who: Who) -> Response:
    await _run(request, round_id, who, state.reopen_round)
    return _to(f"/omgangar/{round_id}?klart=oppnad")


@router.post("/omgangar/{round_id}/org/{org_id}/skicka-igen", include_in_schema=False)
async def resend_templates(
    request: Request, round_id: str, org_id: str, who: Who, background: BackgroundTasks
) -> Response:
    await _run(request, round_id, who, lambda work: resend.resend(work, org_id))
    common.deliver_later(request, background, round_id)
    return _to(f"/omgangar/{round_id}/org/{org_id}?klart=skickat")


@router.post("/omgangar/{round_id}/org/{org_id}/filer/{file_id}/aterkalla", include_in_schema=False)
async def withdraw_file(
    request: Request, round_id: str, org_id: str, file_id: int, who: Who, reason: Annotated[str, Form()] = ""
) -> Response:
    await _run(
        request, round_id, who, lambda work: withdraw.withdraw_file(work, str(file_id), reason=reason or None)
    )
    return _to(f"/omgangar/{round_id}/org/{org_id}?klart=aterkallad")


@router.post("/omgangar/{round_id}/karantan/{file_id}/tillskriv", include_in_schema=False)
async def attribute_file(
    request: Request,
    round_id: str,
    file_id: int,
    who: Who,
    background: BackgroundTasks,
    organisation: Annotated[str, Form()] = "",
) -> Response:
    org = _chosen(organisation)
    await _run(request, round_id, who, lambda work: attribute.attribute_file(work, str(file_id), org))
    common.deliver_later(request, background, round_id)  # its receipt
    return _to(f"/omgangar/{round_id}/karantan?{urlencode({'klart': '1', 'org': org})}")


@router.post("/omgangar/{round_id}/karantan/{file_id}/bekrafta", include_in_schema=False)
async def confirm_file(
    request: Request, round_id: str, file_id: int, who: Who, background: BackgroundTasks
) -> Response:
    """A pending file (no token, named like a nämnd with a verified version) made its current version."""
    await _run(request, round_id, who, lambda work: pending.confirm_pending(work, str(file_id)))
    common.deliver_later(request, background, round_id)
    return _to(f"/omgangar/{round_id}/karantan?klart=bekraftad")
