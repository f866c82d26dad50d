"""The nämnd's own page as plain functions: what it must answer, its draft, sending in, uploading.

Both channels end in the same intake as `remiss collect`: an answer written on the page is
turned into the nämnd's own Word and Excel templates, filled with the existing fill code,
and those files are collected with channel "webb". So the stored answers, the receipt, the
versions and the annex cannot tell the page from a returned file. Every function takes the
organisation the link resolved to, never one named by the request.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from remiss.documents.excel.fill import Value, fill_response_xlsx
from remiss.documents.excel.template import build_response_xlsx
from remiss.documents.model import GENERAL
from remiss.documents.richtext import blocks_to_html, is_empty, plain_to_blocks, sanitize, to_blocks
from remiss.documents.word.fill import fill_response_blocks
from remiss.documents.word.template import build_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.domain import Assignment, ExcelColumn, WordField
from remiss.domain.outcomes import FileKind, FileState
from remiss.errors import StateError
from remiss.services import launch, review
from remiss.services.dossier import Dossier, organisation_dossier
from remiss.services.intake.collect import CollectResult, collect_paths
from remiss.services.intake.receipts import WEB, receipt_key
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.link_schema import WebDraftRow
from remiss.store.schema import IssuedDocumentRow, OutboxRow, utcnow

WEBB = WEB
MAX_UPLOADS = 4


@dataclass(frozen=True)
class Item:
    """One åtgärd as the page shows it, with the names of its inputs."""

    assignment: Assignment
    fields: list[tuple[str, WordField]]  # (input name = the Word field's tag, field)
    columns: list[tuple[str, ExcelColumn]]  # (input name, column)


@dataclass(frozen=True)
class Receipt:
    file_id: int
    kind: str
    name: str
    version: int | None
    received_at: dt.datetime
    late: bool
    current: bool
    channel: str | None
    text: str  # the receipt mail's body: what was read, what is empty, what could not be used


@dataclass
class AnswerPage:
    dossier: Dossier
    round_id: str
    title: str
    diarienummer: str
    sender: str
    deadline: dt.date
    extended: bool
    late: bool
    closed: bool
    general: tuple[str, WordField]
    items: list[Item]
    receipts: list[Receipt]
    completion: review.Review | None
    draft: dict[str, str] = field(default_factory=dict)
    draft_saved_at: dt.datetime | None = None


def closed(work: Work) -> bool:
    """A closed round is read-only on the page."""
    return work.round.closed


def input_names(work: Work, org_id: str) -> tuple[set[str], dict[str, tuple[str, ExcelColumn]]]:
    """The Word tags and the Excel inputs (name -> (measure key, column)) this nämnd may fill."""
    definition = work.round.definition
    tags = {field_tag(GENERAL, definition.fields.general.id)}
    cells: dict[str, tuple[str, ExcelColumn]] = {}
    for a in work.round.assignments(org_id):
        tags |= {field_tag(a.key, f.id) for f in definition.fields.word}
        cells |= {cell_name(a.key, c.id): (a.key, c) for c in definition.fields.excel}
    return tags, cells


def cell_name(key: str, column_id: str) -> str:
    return f"cell:{key}:{column_id}"


def answer_page(work: Work, org_id: str) -> AnswerPage:
    ctx, definition = work.round, work.round.definition
    with work.db.session() as session:
        dossier = organisation_dossier(session, ctx, org_id, work.today)
        draft = session.get(WebDraftRow, (ctx.round_id, org_id))
        receipts = _receipts(session, dossier)
        found = review.reviews(session, ctx.round_id).get(org_id)
    items = [
        Item(
            a,
            [(field_tag(a.key, f.id), f) for f in definition.fields.word],
            [(cell_name(a.key, c.id), c) for c in definition.fields.excel],
        )
        for a in ctx.assignments(org_id)
    ]
    deadline = ctx.deadline_for(org_id)
    completion = (
        found if found and found.state is review.ReviewState.COMPLETION and not found.answered else None
    )
    return AnswerPage(
        dossier=dossier,
        round_id=ctx.round_id,
        title=definition.title,
        diarienummer=definition.diarienummer,
        sender=definition.sender,
        deadline=deadline,
        extended=ctx.recipients[org_id].extended_to is not None,
        late=work.today > deadline,
        closed=closed(work),
        general=(field_tag(GENERAL, definition.fields.general.id), definition.fields.general),
        items=items,
        receipts=receipts,
        completion=completion,
        draft=dict(draft.data) if draft else {},
        draft_saved_at=draft.saved_at if draft else None,
    )


def save_draft(work: Work, org_id: str, form: dict[str, str], *, rich: bool = True) -> dt.datetime:
    """Keep what the nämnd typed (only its own inputs; Word fields sanitised) as its draft.

    `rich` is False when the form came without JavaScript: a Word field is then plain text
    with the tiny markup, kept as sanitised HTML paragraphs.
    """
    _writable(work)
    tags, cells = input_names(work, org_id)
    data: dict[str, str] = {}
    for name, value in form.items():
        if name in tags:
            data[name] = sanitize(value if rich else _plain_html(value))
        elif name in cells:
            data[name] = value.strip()[:200]
    now = utcnow()
    with work.db.session() as session:
        row = session.get(WebDraftRow, (work.round_id, org_id))
        if row is None:
            session.add(WebDraftRow(round_id=work.round_id, organisation_id=org_id, data=data, saved_at=now))
        else:
            row.data = {**row.data, **data}
            row.saved_at = now
    return now


def submit(work: Work, org_id: str) -> list[CollectResult]:
    """ "Skicka in": the draft as filled Word and Excel files, collected as a returned file would be."""
    _writable(work)
    with work.db.session() as session:
        row = session.get(WebDraftRow, (work.round_id, org_id))
        draft = dict(row.data) if row else {}
    docx, xlsx = web_files(work, org_id, draft)
    if docx is None and xlsx is None:
        raise StateError("Inget svar är ifyllt ännu; skriv nämndens svar innan ni skickar in.")
    docx_name, xlsx_name = launch.file_names(work.round, org_id)
    with tempfile.TemporaryDirectory(prefix="remiss-webb-") as folder:
        paths = []
        for name, data in ((docx_name, docx), (xlsx_name, xlsx)):
            if data is not None:
                path = Path(folder) / name
                path.write_bytes(data)
                paths.append(path)
        results = collect_paths(work, paths, channel=WEBB, expect=org_id, together=True)
    with work.db.session() as session:
        audit.record(session, "web.submitted", work.round_id, org_id, actor=work.by, files=len(paths))
    return results


def web_files(work: Work, org_id: str, draft: dict[str, str]) -> tuple[bytes | None, bytes | None]:
    """The nämnd's templates filled with `draft` (None for a file with nothing to fill)."""
    tags, cells = input_names(work, org_id)
    word = {tag: to_blocks(html) for tag, html in draft.items() if tag in tags and not is_empty(html)}
    values: dict[tuple[str, str], Value] = {}
    for name, raw in draft.items():
        if name in cells and raw.strip():
            key, column = cells[name]
            values[(key, column.id)] = typed(column, raw)
    docx = fill_response_blocks(_template(work, org_id, FileKind.DOCX), word) if word else None
    xlsx = fill_response_xlsx(_template(work, org_id, FileKind.XLSX), values) if values else None
    return docx, xlsx


def typed(column: ExcelColumn, raw: str) -> Value:
    """What Excel would store for `raw` typed into the column: a number where one is meant."""
    text = raw.strip()
    if column.type == "number":
        candidate = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        if re.fullmatch(r"-?\d+(\.\d+)?", candidate):
            number = float(candidate)
            return int(number) if number.is_integer() else number
    return text


def upload(work: Work, org_id: str, files: list[tuple[str, bytes]]) -> list[CollectResult]:
    """Filled files uploaded on the page: the same intake, refused when they are another nämnd's."""
    _writable(work)
    if not files:
        raise StateError("Välj minst en fil att ladda upp.")
    if len(files) > MAX_UPLOADS:
        raise StateError(f"Ladda upp högst {MAX_UPLOADS} filer åt gången.")
    with tempfile.TemporaryDirectory(prefix="remiss-upload-") as folder:
        paths = []
        for index, (name, data) in enumerate(files):
            safe = re.sub(r"[^\w.\- ]", "_", Path(name or "fil").name)[:120] or "fil"
            path = Path(folder) / str(index) / safe
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(path)
        return collect_paths(work, paths, expect=org_id, together=True)  # one upload, one receipt


def template_path(work: Work, org_id: str, kind: FileKind) -> tuple[str, bytes]:
    """(file name, bytes) of the template this nämnd was issued (built again if its copy is gone)."""
    docx_name, xlsx_name = launch.file_names(work.round, org_id)
    return (docx_name if kind is FileKind.DOCX else xlsx_name), _template(work, org_id, kind)


def _template(work: Work, org_id: str, kind: FileKind) -> bytes:
    with work.db.session() as session:
        row = session.scalar(
            select(IssuedDocumentRow).where(
                IssuedDocumentRow.round_id == work.round_id,
                IssuedDocumentRow.organisation_id == org_id,
                IssuedDocumentRow.kind == kind,
            )
        )
    if row is not None and Path(row.path).is_file():
        return Path(row.path).read_bytes()
    ctx = work.round
    org, assignments, identity = ctx.organisation(org_id), ctx.assignments(org_id), ctx.identity(org_id)
    build = build_response_docx if kind is FileKind.DOCX else build_response_xlsx
    return build(ctx.definition, org, assignments, identity)


def _receipts(session, dossier: Dossier) -> list[Receipt]:  # type: ignore[no-untyped-def]
    received = [v.file for v in dossier.versions if v.file.status == FileState.ACCEPTED]
    keys = {receipt_key(f.sha256): f for f in received}
    rows = session.scalars(select(OutboxRow).where(OutboxRow.key.in_(keys))) if keys else []
    texts = {row.key: _body(Path(row.eml_path)) for row in rows}
    return [
        Receipt(
            f.id,
            f.kind or "",
            f.original_name,
            f.version,
            f.received_at,
            f.late,
            f.is_current,
            f.channel,
            texts.get(receipt_key(f.sha256), ""),
        )
        for f in received
    ]


def receipt_text(path: str | None) -> str:
    """The body of a receipt mail (the page shows it at once after an upload or "Skicka in")."""
    return _body(Path(path)) if path else ""


def _body(path: Path) -> str:
    try:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    except OSError:
        return ""
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def _plain_html(text: str) -> str:
    return blocks_to_html(plain_to_blocks(text))


def _writable(work: Work) -> None:
    if closed(work):
        raise StateError(f"Remissomgången '{work.round_id}' är stängd. Svaren går att läsa men inte ändra.")
