"""Receipts (kvittenser) for accepted files, and the refusal message for refused ones.

A receipt tells the nämnd what was read from its file, per åtgärd, which answers are still
empty, which Excel values could not be used, and whether the file came in time. It is
written as an .eml and recorded in the outbox in the same transaction as the file's row
(unique key `receipt:<sha256>`), so a rerun or a second collector never makes two.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from remiss.documents.model import GENERAL, Extracted
from remiss.domain.outcomes import FileKind, FileState, MessageKind
from remiss.domain.round import Assignment, RoundDefinition, Vocabulary
from remiss.mail import compose
from remiss.services import outbox
from remiss.services.context import RoundContext
from remiss.services.files import display_name
from remiss.services.intake.senders import may_answer
from remiss.services.status import label_of
from remiss.services.work import Work
from remiss.settings import Workspace
from remiss.store.schema import ReceivedFileRow
from remiss.swedish import join_and, long_date

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEB = "webb"  # received_files.channel of an answer sent in from the nämnd's page
EXCERPT = 90  # characters of each answer quoted in the receipt


class Item(NamedTuple):
    """One answer field as the receipt quotes it (named tuples: Jinja reads attributes fastest)."""

    label: str
    text: str
    problem: str | None = None


class Section(NamedTuple):
    heading: str
    fields: list[Item]


def receipt_key(digest: str) -> str:
    return f"receipt:{digest}"


def receipt_path(workspace: Workspace, round_id: str, row: ReceivedFileRow) -> Path:
    return workspace.round_outbox(round_id, row.organisation_id or "") / f"kvittens-{row.sha256[:12]}.eml"


class Part(NamedTuple):
    """One stored file a receipt speaks of, and how it was stored."""

    row: ReceivedFileRow
    extracted: Extracted
    current: bool  # it became current when stored
    older: bool = False  # sent before the current version, so it did not replace it


def write_receipt(
    session: Session,
    work: Work,
    row: ReceivedFileRow,
    extracted: Extracted,
    *,
    current: bool,
    other_received: bool,
    older: bool = False,
) -> Path:
    """The receipt of one file (see write_joint_receipt)."""
    return write_joint_receipt(
        session, work, [Part(row, extracted, current, older)], other_received=other_received
    )


def write_joint_receipt(session: Session, work: Work, parts: list[Part], *, other_received: bool) -> Path:
    """Write ONE receipt .eml for files of one organisation received together, and its outbox row.

    "Together" is one sending: one mail's attachments, one "Skicka in" or one upload on the
    nämnd's page. The receipt is keyed and named by the first file (`receipt:<its sha256>`,
    `kvittens-<its sha12>.eml`) and committed with the files' rows, so it exists exactly once;
    the other files of the sending have no receipt of their own. `other_received` says whether
    the other kind of file was stored before (the parts themselves count too).
    It is sent by the outbox's dispatch when the work delivers (SMTP is configured), like
    every other message; otherwise its .eml is the record.
    """
    ctx = work.round
    lead = parts[0].row
    org = ctx.organisation(lead.organisation_id or "")
    context = receipt_context(ctx, parts, other_received)
    subject, body = compose.render(MessageKind.RECEIPT, **context)
    # The sender only when remiss may mail it (a catalog address or the city's domain): never a relay.
    sender = [lead.sender] if may_answer(lead.sender, ctx) else []
    recipients = list(dict.fromkeys([*sender, *org.email]))
    key = receipt_key(lead.sha256)
    message = compose.build_message(to=recipients, subject=subject, body=body, key=key)
    path = receipt_path(work.workspace, ctx.round_id, lead)
    outbox.record(
        session,
        key=key,
        kind=MessageKind.RECEIPT,
        message=message,
        path=path,
        round_id=ctx.round_id,
        organisation_id=org.id,
        deliver=work.deliver,
        flush=False,
    )
    return path


def receipt_context(ctx: RoundContext, parts: list[Part], other_received: bool) -> dict[str, Any]:
    """Everything templates/mail/receipt.txt.j2 prints, as plain values: the sending, then each file."""
    lead = parts[0].row
    org_id = lead.organisation_id or ""
    assignments = ctx.assignments(org_id)
    kinds = {FileKind(p.row.kind or FileKind.XLSX) for p in parts}
    names = [display_name(p.row.original_name) for p in parts]
    deadline = ctx.deadline_for(org_id)
    web = lead.channel == WEB  # sent in from the nämnd's page: it typed, it sent no file
    # The Excel file is asked for only when it has columns to fill in for the nämnd's items.
    needed = bool(assignments) and (FileKind.XLSX in kinds or bool(ctx.definition.fields.excel))
    missing = None
    if needed and not other_received and len(kinds) == 1:
        other = next(iter(kinds)).other
        missing = (
            f"{_capital(_values(ctx))} har ännu inte lämnats (på webbsidan eller i Excelfilen)."
            if web and other is FileKind.XLSX
            else f"{other.label} har ännu inte kommit in."
        )
    return {
        "definition": ctx.definition,
        "org": ctx.organisation(org_id),
        "file_name": "nämndens svar från webbsidan" if web else join_and(names),
        "files": [_file_context(ctx, part) for part in parts],
        "missing": missing,  # what is still missing after this sending, as a sentence
        "received": _when(lead.received_at),
        "deadline": long_date(deadline),
        "late": any(p.row.late for p in parts),
        "has_measures": bool(assignments),
        "web": web,
    }


def _values(ctx: RoundContext) -> str:
    """'värdena för ”Tidshorisont” och ”Kostnad”': the Excel part of an answer typed on the page."""
    return f"värdena för {ctx.definition.fields.excel_names}"


def _capital(text: str) -> str:
    """'Värdena för ”tid”': the first letter only (str.capitalize would lower the rest)."""
    return text[:1].upper() + text[1:]


def _file_context(ctx: RoundContext, part: Part) -> dict[str, Any]:
    """What was read from one file of the receipt, per åtgärd (values typed on the page named as such)."""
    row, extracted = part.row, part.extracted
    typed = row.channel == WEB and row.kind == FileKind.XLSX
    assignments = ctx.assignments(row.organisation_id or "")
    fields, words = ctx.definition.fields, ctx.definition.vocabulary
    sections: list[Section] = []
    empty: list[str] = []
    if row.kind == FileKind.DOCX:
        answers = {(a.measure_key, a.field_id): a for a in extracted.answers}
        general = answers.get((GENERAL, fields.general.id))
        if general is not None:
            sections.append(Section(fields.general.label, [_word_item(fields.general.label, general)]))
            if general.empty:
                empty.append(fields.general.label + ("" if fields.general.required else " (frivilligt)"))
        for a in assignments:
            items = []
            for f in fields.word:
                found = answers.get((a.key, f.id))
                items.append(_word_item(f.label, found))
                if found is None or found.empty:
                    empty.append(
                        f"{label_of(a, assignments)} {f.label}" + ("" if f.required else " (frivilligt)")
                    )
            sections.append(Section(_heading(a, assignments, words), items))
    else:
        values = {(v.measure_key, v.column_id): v for v in extracted.values}
        for a in assignments:
            items = []
            for c in fields.excel:
                value = values.get((a.key, c.id))
                raw = value.raw.strip() if value else ""
                items.append(Item(c.label, _excerpt(raw) if raw else "", value.problem if value else None))
                if not raw and c.required:
                    empty.append(f"{label_of(a, assignments)} {c.label}")
            sections.append(Section(_heading(a, assignments, words), items))
    kind = FileKind(row.kind).label if row.kind else "Filen"
    what = _values(ctx) if typed else kind
    return {
        "file_name": display_name(row.original_name),
        "kind": kind,
        "what": what,  # 'Word-svaret', 'Excelfilen', or the values typed on the page
        "title": _capital(what) if typed else f"{kind}, {display_name(row.original_name)}",
        "typed": typed,
        "version": row.version,
        "current": part.current,
        "older": part.older,
        "pending": row.status == FileState.PENDING,
        "sections": sections,
        "empty": empty,
        "problems": [v.problem for v in extracted.values if v.problem],
        "warnings": extracted.warnings,
    }


def render_refusal(
    file_name: str,
    reason: str,
    definition: RoundDefinition | None = None,
    sender: str | None = None,
) -> tuple[str, str]:
    """(subject, body) of the Swedish message telling a sender why a file was refused.

    `definition` names the remiss when the round is known; `sender` signs the message
    (default: the round's sender, else Stadsledningskontoret).
    """
    signature = sender or (definition.sender if definition else "Stadsledningskontoret")
    deadline = long_date(definition.deadline) if definition else None
    return compose.render(
        MessageKind.REFUSAL,
        file_name=file_name,
        reason=reason,
        definition=definition,
        deadline=deadline,
        sender=signature,
    )


def render_refusals(
    files: list[tuple[str, str]], definition: RoundDefinition | None = None, sender: str | None = None
) -> tuple[str, str]:
    """(subject, body) of one message telling a sender why each of its files (name, reason) was refused."""
    signature = sender or (definition.sender if definition else "Stadsledningskontoret")
    deadline = long_date(definition.deadline) if definition else None
    return compose.render("refusals", files=files, definition=definition, deadline=deadline, sender=signature)


def build_refusal(
    to: list[str], file_name: str, reason: str, digest: str, definition: RoundDefinition | None = None
) -> EmailMessage:
    """The refusal as a message, keyed `refusal:<sha256>` so a resend is recognisably the same."""
    subject, body = render_refusal(file_name, reason, definition)
    return compose.build_message(to=to, subject=subject, body=body, key=f"refusal:{digest}")


def _heading(assignment: Assignment, assignments: list[Assignment], words: Vocabulary) -> str:
    """'4.1.1 Etablera lotsar …', naming the group ('(Målområde: Jobb)') when the number repeats."""
    measure = assignment.measure
    heading = f"{measure.number} {measure.title}"
    if sum(1 for a in assignments if a.measure.number == measure.number) > 1:
        heading += f" ({words.group.title}: {assignment.report.title})"
    return heading


def _word_item(label: str, answer: Any) -> Item:
    return Item(label, "" if answer is None or answer.empty else _excerpt(answer.text))


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def _when(at: dt.datetime) -> str:
    local = at.astimezone(STOCKHOLM) if at.tzinfo else at
    return f"{long_date(local.date())} kl. {local:%H.%M}"
