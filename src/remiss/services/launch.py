"""Launching a round: one Word template, one Excel sheet and one request e-mail per recipient.

Each organisation is issued in its own transaction, recorded by unique (round, org, kind),
so running launch again (or after a crash) issues only what is still missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.documents.excel.template import build_response_xlsx
from remiss.documents.word.template import build_response_docx
from remiss.domain.outcomes import FileKind, MessageKind
from remiss.mail import compose
from remiss.services import links, outbox
from remiss.services.context import RoundContext
from remiss.services.files import sha256, write_atomic
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import IssuedDocumentRow, RoundRow, utcnow
from remiss.swedish import long_date


@dataclass(frozen=True)
class Issued:
    organisation: str
    docx: Path
    xlsx: Path
    eml: Path


def pending_organisations(session: Session, ctx: RoundContext) -> list[str]:
    """Recipients that have not yet had both templates issued."""
    done = session.execute(
        select(IssuedDocumentRow.organisation_id).where(IssuedDocumentRow.round_id == ctx.round_id)
    ).scalars()
    counts: dict[str, int] = {}
    for org_id in done:
        counts[org_id] = counts.get(org_id, 0) + 1
    return [org_id for org_id in ctx.recipient_ids if counts.get(org_id, 0) < 2]


def file_names(ctx: RoundContext, org_id: str) -> tuple[str, str]:
    stem = f"remissvar-{ctx.round_id}-{org_id}"
    return f"{stem}.docx", f"{stem}.xlsx"


def issue(
    session: Session, work: Work, org_id: str, *, key: str | None = None, eml_name: str = "begaran.eml"
) -> Issued:
    """Write and record one organisation's templates and request e-mail (sent later if `work.deliver`).

    A resend passes its own outbox `key` and `eml_name`: the templates are built again (the
    deadline may have moved) and their records updated, and the request is a new message.
    """
    ctx = work.round
    org, assignments, identity = ctx.organisation(org_id), ctx.assignments(org_id), ctx.identity(org_id)
    folder = work.workspace.round_outbox(ctx.round_id, org_id)
    docx_name, xlsx_name = file_names(ctx, org_id)
    documents = {
        FileKind.DOCX: (folder / docx_name, build_response_docx(ctx.definition, org, assignments, identity)),
        FileKind.XLSX: (folder / xlsx_name, build_response_xlsx(ctx.definition, org, assignments, identity)),
    }
    for kind, (path, data) in documents.items():
        write_atomic(path, data)
        _record_document(session, ctx.round_id, org_id, kind, path, sha256(data))
    attachments = [documents[FileKind.DOCX][0], documents[FileKind.XLSX][0]]
    key = key or f"request:{ctx.round_id}:{org_id}"
    eml = _write_request(session, ctx, org_id, folder / eml_name, attachments, work.deliver, key, by=work.by)
    if key.startswith("request:"):
        audit.record(
            session, "round.issued", ctx.round_id, org_id, actor=work.by, files=[docx_name, xlsx_name]
        )
    return Issued(org_id, *attachments, eml)


def _record_document(
    session: Session, round_id: str, org_id: str, kind: str, path: Path, digest: str
) -> None:
    """One row per (round, organisation, kind): a template issued again updates its row."""
    row = session.scalar(
        select(IssuedDocumentRow).where(
            IssuedDocumentRow.round_id == round_id,
            IssuedDocumentRow.organisation_id == org_id,
            IssuedDocumentRow.kind == kind,
        )
    )
    if row is None:
        row = IssuedDocumentRow(round_id=round_id, organisation_id=org_id, kind=kind)
        session.add(row)
    row.path, row.sha256, row.issued_at = str(path), digest, utcnow()


def mark_launched(session: Session, ctx: RoundContext, actor: str | None = None) -> None:
    row = session.get(RoundRow, ctx.round_id)
    if row is not None and row.launched_at is None:
        row.launched_at = utcnow()
        audit.record(session, "round.launched", ctx.round_id, actor=actor)


def render_request(ctx: RoundContext, org_id: str, *, link: str | None = None) -> tuple[str, str]:
    """(subject, body) of the request to one organisation, naming the round's own fields and words
    (launch sends it with the nämnd's answer `link`; the desk previews it without)."""
    fields = ctx.definition.fields
    return compose.render(
        MessageKind.REQUEST,
        definition=ctx.definition,
        org=ctx.organisation(org_id),
        assignments=ctx.assignments(org_id),
        deadline=long_date(ctx.deadline_for(org_id)),
        general_field=_quoted([fields.general.label])[0],
        general_required=fields.general.required,
        word_fields=_quoted([f.label for f in fields.word]),
        excel_fields=_quoted([c.label for c in fields.excel]),
        link=link,
    )


def _write_request(
    session: Session,
    ctx: RoundContext,
    org_id: str,
    path: Path,
    attachments: list[Path],
    deliver: bool,
    key: str,
    *,
    by: str,
) -> Path:
    org = ctx.organisation(org_id)
    link = links.mail_link(session, ctx.round_id, org_id, by=by)  # each request mail: a fresh link
    subject, body = render_request(ctx, org_id, link=link)
    message = compose.build_message(
        to=list(org.email), subject=subject, body=body, key=key, attachments=attachments
    )
    outbox.record(
        session,
        key=key,
        kind=MessageKind.REQUEST,
        message=message,
        path=path,
        round_id=ctx.round_id,
        organisation_id=org_id,
        deliver=deliver,
    )
    return path


def _quoted(labels: list[str]) -> list[str]:
    """'”Tidshorisont”': the round's own labels, as the files show them."""
    return [f"”{label}”" for label in labels]
