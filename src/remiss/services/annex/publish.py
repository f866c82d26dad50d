"""Writing the annex and what is published with it: PDF, compiled workbook, accessibility check.

`write_annex` is the annex itself (draft or final, per organisation or per åtgärd);
`publish_annex` adds, on request, the tagged PDF/A beside it (same name, .pdf), the
compiled workbook (.xlsx) and the list of accessibility failures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from remiss import progress
from remiss.documents.annex.check import check_docx, check_pdf
from remiss.documents.annex.document import build_annex
from remiss.documents.annex.pdf import convert_to_pdf
from remiss.documents.annex.plaintext import answer_text
from remiss.documents.annex.workbook import build_workbook
from remiss.documents.model import GENERAL, CompiledWorkbook, WorkbookRow
from remiss.errors import DocumentError
from remiss.services.annex import gather as gather
from remiss.services.context import RoundContext
from remiss.services.files import write_atomic
from remiss.services.status import round_status
from remiss.services.work import Work
from remiss.store import audit


@dataclass
class AnnexResult:
    annex: str
    final: bool
    by_measure: bool = False
    pdf: str | None = None
    pages: int | None = None
    xlsx: str | None = None
    checked: bool = False
    problems: list[str] = field(default_factory=list)  # accessibility failures, in Swedish


def draft_stamp(now: dt.datetime) -> str:
    return f"Utkast {now:%Y-%m-%d %H:%M}"


def write_annex(work: Work, output: Path, *, final: bool = False, by_measure: bool = False) -> Path:
    """Write the compiled annex; a draft is stamped 'Utkast' with the work's time, a final one
    records in the audit log which file version of each organisation it used."""
    if output.suffix.lower() != ".docx":
        raise DocumentError(
            f"Bilagan sparas som Word-dokument: ange ett filnamn som slutar på .docx, inte {output.name}."
        )
    now, round_id = work.local_now(), work.round_id
    stamp = None if final else draft_stamp(now)
    with work.db.session() as session:
        document = gather.gather_annex(session, work.round, now.date(), stamp, by_measure=by_measure)
        write_atomic(output, build_annex(document))
        if final:
            audit.record(
                session,
                "annex.final",
                round_id,
                actor=work.by,
                output=str(output),
                by_measure=by_measure,
                versions=gather.used_versions(session, round_id),
                files=gather.current_versions(session, round_id),
            )
    return output


def publish_annex(
    work: Work,
    output: Path,
    *,
    final: bool = False,
    by_measure: bool = False,
    pdf: bool = False,
    xlsx: bool = False,
    check: bool = False,
) -> AnnexResult:
    """The annex, and beside it on request the PDF, the workbook and the check's failures."""
    progress.start("annex", 1 + pdf + xlsx + check, "Sammanställer bilagan")
    path = write_annex(work, output, final=final, by_measure=by_measure)
    progress.advance("annex")
    result = AnnexResult(annex=str(path), final=final, by_measure=by_measure)
    if pdf:
        pdf_path = path.with_suffix(".pdf")
        result.pages = convert_to_pdf(path, pdf_path)
        result.pdf = str(pdf_path)
        progress.advance("annex")
    if xlsx:
        result.xlsx = str(write_workbook(work, path.with_suffix(".xlsx")))
        progress.advance("annex")
    if check:
        result.checked = True
        result.problems = check_docx(path.read_bytes(), path.name)
        if result.pdf:
            result.problems += check_pdf(Path(result.pdf).read_bytes(), Path(result.pdf).name)
        progress.advance("annex")
    return result


def write_workbook(work: Work, output: Path) -> Path:
    with work.db.session() as session:
        book = gather_workbook(session, work.round, work.local_now().date())
    write_atomic(output, build_workbook(book))
    return output


def gather_workbook(session: Session, ctx: RoundContext, day: dt.date) -> CompiledWorkbook:
    """One row per recipient × åtgärd (in annex order): Word answers as text, Excel values."""
    answers = gather.current_answers(session, ctx.round_id)
    values = gather.current_values(session, ctx.round_id)
    statuses = {s.organisation: s.status.label for s in round_status(session, ctx, day)}
    fields, words = ctx.definition.fields, ctx.definition.vocabulary
    rows, general = [], []
    for org_id in ctx.recipient_ids:
        org = ctx.organisation(org_id)
        org_answers, org_values = answers.get(org_id, {}), values.get(org_id, {})
        comment = org_answers.get((GENERAL, fields.general.id))
        general.append((org.group.heading, org_id, org.forvaltning, _text(comment)))
        for assignment in ctx.assignments(org_id):
            key = assignment.key
            stored = [org_values.get((key, c.id)) for c in fields.excel]
            rows.append(
                WorkbookRow(
                    group=org.group.heading,
                    organisation_id=org_id,
                    organisation=org.forvaltning,
                    status=statuses.get(org_id, ""),
                    report=assignment.report.title,
                    number=assignment.measure.number,
                    measure=assignment.measure.title,
                    role=words.roles.in_text(assignment.role),
                    answers=[_text(org_answers.get((key, f.id))) for f in fields.word],
                    values=[v.value if v is not None else None for v in stored],
                    problems=[v.problem for v in stored if v is not None and v.problem],
                )
            )
    return CompiledWorkbook(
        title=ctx.definition.title,
        diarienummer=ctx.definition.diarienummer,
        word_labels=[f.label for f in fields.word],
        excel_labels=[c.label for c in fields.excel],
        rows=rows,
        general_label=fields.general.label,
        general=general,
        words=words,
    )


def _text(answer: gather.StoredAnswer | None) -> str:
    """The answer with its list labels and table rows (annex.plaintext); the stored text when
    the fragment is not there to read."""
    if answer is None:
        return ""
    return answer_text(answer.xml) if answer.xml.strip() else answer.text
