"""The nämnd's own page at /svar/<token>: read, download, upload, write, send in.

No account: the link's token is the nämnd's capability. Every route resolves the token to
one (round, organisation) and touches nothing else; a replaced, revoked or unknown token
gets a Swedish page that says so. Forms carry a CSRF token derived from the link (HMAC with
the round's secret), requests are rate-limited per link, and the token is taken out of
the server's access log (`RedactTokens`). Pages work without JavaScript; answer.js adds the
rich-text editor and saves the draft as the nämnd types.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import asdict
from typing import Any, ClassVar

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from remiss.documents.model import GENERAL
from remiss.documents.richtext import blocks_to_markup, sanitize, to_blocks
from remiss.documents.word.wordml import field_tag
from remiss.domain.calendar import STOCKHOLM, stockholm_today
from remiss.domain.outcomes import FileKind
from remiss.errors import RemissError
from remiss.services import answering, links
from remiss.services.work import Work, open_work
from remiss.web import templating
from remiss.web.answers import answer_html
from remiss.web.routes import common

router = APIRouter(include_in_schema=False)
TOKEN_IN_PATH = re.compile(r"/svar/[A-Za-z0-9_\-]+")
CHANNEL_LABELS = {None: "Fil", "webb": "Webbsidan"}
KIND_LABELS = {"docx": "Word", "xlsx": "Excel"}
MAX_FILE = 25 * 1024 * 1024


class RedactTokens(logging.Filter):
    """Access-log lines name /svar/… without the token (a link in a log is a key in a log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                TOKEN_IN_PATH.sub("/svar/…", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = TOKEN_IN_PATH.sub("/svar/…", record.msg)
        return True


for _name in ("uvicorn.access", "uvicorn.error", "remiss.web"):
    logging.getLogger(_name).addFilter(RedactTokens())


class Limits:
    """Sliding-window limits per link (and per address for unknown tokens), per process."""

    RULES: ClassVar[dict[str, tuple[int, float]]] = {
        "read": (120, 60.0),
        "write": (60, 60.0),
        "send": (10, 600.0),
        "unknown": (30, 60.0),
    }

    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, kind: str, key: str) -> bool:
        limit, window = self.RULES[kind]
        now = time.monotonic()
        with self._lock:
            hits = self._hits[(kind, key)]
            while hits and hits[0] < now - window:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            return True


class Refused(Exception):
    """The request stops here with a Swedish page (unknown link, limit, CSRF)."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _limits(request: Request) -> Limits:
    state = request.app.state
    if not hasattr(state, "answer_limits"):
        state.answer_limits = Limits()
    return state.answer_limits


def _simple(request: Request, title: str, message: str, status: int) -> HTMLResponse:
    html = templating.render_string("svar/ended.html", title=title, message=message)
    return HTMLResponse(html, status_code=status, headers=_private())


def _private() -> dict[str, str]:
    return {"cache-control": "no-store", "x-robots-tag": "noindex, nofollow"}


def _open(request: Request, token: str, kind: str) -> tuple[links.Link, Work]:
    """The live link behind `token` and a Work for its round, or Refused with the page to show."""
    with common.transaction(request) as session:
        link = links.resolve(session, token)
    limits = _limits(request)
    if link.state is links.LinkState.UNKNOWN:
        address = request.client.host if request.client else "?"
        if not limits.allow("unknown", address):
            raise Refused(_simple(request, "För många försök", "För många försök. Vänta en stund.", 429))
        raise Refused(
            _simple(
                request,
                "Länken finns inte",
                "Länken känns inte igen. Kontrollera att hela adressen kom med från brevet, "
                "eller be remissens samordnare om en ny länk.",
                404,
            )
        )
    if link.state is not links.LinkState.LIVE:
        why = (
            "Länken har ersatts av en ny. Den nya länken finns i det senaste brevet från remissens "
            "samordnare; använd den i stället."
            if link.state is links.LinkState.REPLACED
            else "Länken har spärrats av remissens samordnare och kan inte användas längre. "
            "Kontakta samordnarna om nämnden behöver en ny länk."
        )
        raise Refused(_simple(request, "Länken gäller inte längre", why, 410))
    assert link.token_hash is not None
    if not limits.allow(kind, link.token_hash) or (
        kind == "send" and not limits.allow("write", link.token_hash)
    ):
        raise Refused(
            _simple(
                request,
                "För många förfrågningar",
                "För många förfrågningar från länken. Vänta en stund.",
                429,
            )
        )
    return link, _work(request, link)


def _work(request: Request, link: links.Link) -> Work:
    desk = common.desk(request)
    now = None
    if desk.clock is not stockholm_today:  # a replayed day (tests, demo): noon that day
        now = dt.datetime.combine(desk.today(), dt.time(12, 0), STOCKHOLM)
    assert link.round_id and link.organisation_id
    return open_work(desk.workspace, link.round_id, now=now, by=f"{link.organisation_id} (länk)")


def csrf_for(work: Work, link: links.Link) -> str:
    """The link's form token: keyed by the round's secret, so it outlives a restart of the server
    (a nämnd typing when `remiss serve` restarts keeps saving its draft)."""
    secret = f"svar-csrf:{work.round.secret}".encode()
    return hmac.new(secret, f"svar:{link.token_hash}".encode(), hashlib.sha256).hexdigest()


async def _posted(request: Request, token: str, kind: str) -> tuple[links.Link, Work, Any]:
    """A form sent from the nämnd's page: the live link, a Work for its round, and the form once its
    CSRF token is checked (else Refused, as `_open`)."""
    link, work = _open(request, token, kind)
    form = await request.form()
    sent = request.headers.get("x-csrf-token") or str(form.get("csrf") or "")
    if not hmac.compare_digest(sent, csrf_for(work, link)):
        raise Refused(
            _simple(
                request,
                "Formuläret var för gammalt",
                "Formuläret var för gammalt eller kom inte från nämndens sida. Öppna länken igen och "
                "försök på nytt; det ni skrivit finns kvar som utkast om det hann sparas.",
                403,
            )
        )
    return link, work, form


async def _save_draft(work: Work, link: links.Link, form: Any) -> dt.datetime:
    """The page's text fields as the nämnd's draft: the rich editor's HTML when the form says "rik"."""
    assert link.organisation_id
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    return await run_in_threadpool(
        answering.save_draft, work, link.organisation_id, fields, rich=fields.get("format") == "rik"
    )


def _page(
    request: Request, token: str, link: links.Link, work: Work, *, status: int = 200, **extra: Any
) -> HTMLResponse:
    assert link.organisation_id
    view = answering.answer_page(work, link.organisation_id)
    prefilled, rough = (None, []) if view.draft or view.closed else _prefill(view)
    markup = {name: blocks_to_markup(to_blocks(html)) for name, html in view.draft.items()}
    html = templating.render_string(
        "svar/page.html",
        view=view,
        org=view.dossier.organisation,
        base=f"/svar/{token}",
        csrf=csrf_for(work, link),
        markup=markup,
        excel_columns=_columns(work),
        prefilled=prefilled,
        rough=rough,
        CHANNEL_LABELS=CHANNEL_LABELS,
        KIND_LABELS=KIND_LABELS,
        title=f"Svar från {view.dossier.organisation.namnd}",
        **({"results": None, "message": None, "error": None, "sent": False} | extra),
    )
    return HTMLResponse(html, status_code=status, headers=_private())


def _prefill(view: answering.AnswerPage) -> tuple[Any, list[str]]:
    """Without a draft, the form starts from the nämnd's current answers (a file it sent), so a
    completion answered here adds to them instead of replacing them with only the new text.

    Returns the Word version the fields came from and the labels of fields holding tables or
    pictures, which the editor cannot keep as they are (the page says so)."""
    current, sheet = view.dossier.current_docx, view.dossier.current_xlsx
    labels = {tag: f.label for tag, f in [view.general, *(pair for i in view.items for pair in i.fields)]}
    rough: list[str] = []
    if current is not None:
        for (key, field_id), row in current.answers.items():
            tag = field_tag(key, field_id)
            if row.empty or tag not in labels:
                continue
            html = answer_html(row.xml)
            if "<table" in html or "<img" in html:
                rough.append(labels[tag] if key == GENERAL else f"{key.split('/')[-1]} {labels[tag]}")
            view.draft[tag] = sanitize(html)
    if sheet is not None:
        names = {name for item in view.items for name, _ in item.columns}
        for (key, column_id), value in sheet.values.items():
            if value.raw and answering.cell_name(key, column_id) in names:
                view.draft[answering.cell_name(key, column_id)] = value.raw
    return (current or sheet) if view.draft else None, rough


def _columns(work: Work) -> str:
    """'med kolumnerna ”Ställningstagande” och ”Antal …”': the round's own Excel columns."""
    fields = work.round.definition.fields
    if not fields.excel:
        return ""
    return f" med {'kolumnen' if len(fields.excel) == 1 else 'kolumnerna'} {fields.excel_names}"


def _shown(results: list[Any]) -> list[dict[str, Any]]:
    """Each result with its receipt's text, shown once: files sent together share one receipt."""
    seen: set[str] = set()
    shown = []
    for r in results:
        first = r.receipt is not None and r.receipt not in seen
        seen.add(r.receipt or "")
        shown.append(asdict(r) | {"receipt_text": answering.receipt_text(r.receipt) if first else ""})
    return shown


def _guard(handler):  # type: ignore[no-untyped-def]
    """A Refused inside a route becomes its page (the routes read like the happy path)."""
    import functools

    @functools.wraps(handler)
    async def wrapped(*args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(*args, **kwargs)
        except Refused as refused:
            return refused.response

    return wrapped


@router.get("/svar/{token}")
@_guard
async def page(request: Request, token: str) -> Response:
    link, work = _open(request, token, "read")
    return _page(request, token, link, work)


@router.get("/svar/{token}/mall/{kind}")
@_guard
async def template(request: Request, token: str, kind: str) -> Response:
    link, work = _open(request, token, "read")
    kinds = {"word": FileKind.DOCX, "excel": FileKind.XLSX}
    if kind not in kinds:
        return _simple(request, "Filen finns inte", "Det finns bara en Word-mall och en Excelfil.", 404)
    assert link.organisation_id
    name, data = await run_in_threadpool(answering.template_path, work, link.organisation_id, kinds[kind])
    media = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if kind == "word"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    headers = _private() | {"content-disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media, headers=headers)


@router.post("/svar/{token}/utkast")
@_guard
async def save(request: Request, token: str) -> Response:
    link, work, form = await _posted(request, token, "write")
    try:
        saved = await _save_draft(work, link, form)
    except RemissError as exc:
        if request.headers.get("x-remiss-draft"):
            return JSONResponse({"error": str(exc)}, status_code=409, headers=_private())
        return _page(request, token, link, work, status=409, error=str(exc))
    if request.headers.get("x-remiss-draft"):
        return JSONResponse({"saved": templating.when(saved)}, headers=_private())
    return _page(request, token, link, work, message=f"Utkastet sparades {templating.when(saved)}.")


@router.post("/svar/{token}/skicka")
@_guard
async def submit(request: Request, token: str, background: BackgroundTasks) -> Response:
    link, work, form = await _posted(request, token, "send")
    assert link.organisation_id
    try:
        await _save_draft(work, link, form)
        results = await run_in_threadpool(answering.submit, work, link.organisation_id)
    except RemissError as exc:
        return _page(request, token, link, work, status=409, error=str(exc))
    common.deliver_later(request, background, work.round_id)  # the receipt, as the page says
    return _page(request, token, link, work, results=_shown(results), sent=True)


@router.post("/svar/{token}/ladda-upp")
@_guard
async def upload(request: Request, token: str, background: BackgroundTasks) -> Response:
    link, work, form = await _posted(request, token, "send")
    assert link.organisation_id
    files: list[tuple[str, bytes]] = []
    for item in form.getlist("filer"):
        if isinstance(item, UploadFile) and item.filename:
            data = await item.read(MAX_FILE + 1)
            if len(data) > MAX_FILE:
                return _page(request, token, link, work, status=413, error=f"{item.filename} är för stor.")
            files.append((item.filename, data))
    try:
        results = await run_in_threadpool(answering.upload, work, link.organisation_id, files)
    except RemissError as exc:
        return _page(request, token, link, work, status=400, error=str(exc))
    common.deliver_later(request, background, work.round_id)
    return _page(request, token, link, work, results=_shown(results))
