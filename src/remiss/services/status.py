"""Who has answered what: per recipient, missing / incomplete / complete, and late or not.

Read-only and store-only, so `remiss status` answers quickly without starting Prefect.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import ColumnElement, Row, Select, and_, func, select
from sqlalchemy.orm import Session

from remiss.documents.model import GENERAL
from remiss.domain import Assignment, Group
from remiss.domain.calendar import STOCKHOLM, stockholm_today
from remiss.domain.outcomes import AnswerStatus, FileKind, FileState
from remiss.services.context import RoundContext
from remiss.services.files import display_name
from remiss.store.schema import AnswerRow, AssignmentRow, ReceivedFileRow, ReminderRow, ValueRow
from remiss.swedish import tally

FileRowT = TypeVar("FileRowT", AnswerRow, ValueRow)
_FileRow = Row  # id, organisation_id, kind, is_current, received_at, original_name
# The rows of the lacking files, the lacking file ids, and whether to name what they lack.
_Found = tuple[dict[int, list[AnswerRow]], dict[int, list[ValueRow]], set[int], bool]

NOT_IN = "har inte kommit in"  # 'Excelfilen har inte kommit in': a whole file, not an empty answer


@dataclass
class OrganisationStatus:
    organisation: str  # catalog id, the same that names the outbox folder
    name: str  # förvaltning as the annex prints it
    group: Group
    status: AnswerStatus
    late: bool  # a file came in after the organisation's deadline; a missing answer is never late
    received: str | None = None  # ISO time (Stockholm, with offset) of the first accepted file
    last_file: str | None = None  # name of the latest accepted file, as it was sent
    last_received: str | None = None  # ISO time of the latest accepted file
    versions: int = 0
    empty: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    reminders: int = 0
    last_reminder: str | None = None  # the day the latest reminder was written
    extension: str | None = None  # anstånd: the organisation's own deadline
    pending: list[str] = field(default_factory=list)  # files waiting for a coordinator's confirmation


def count_line(rows: Sequence[OrganisationStatus]) -> str:
    """'20 kompletta, 1 ofullständig, 10 saknas av 31; 2 kom in efter sista svarsdag', as the
    status table, the tracking workbook and the demo end."""
    return summary_line(rows).rstrip(".")


def summary_line(rows: Sequence[OrganisationStatus]) -> str:
    """'20 kompletta, 1 ofullständig, 10 saknas av 31; 2 kom in efter sista svarsdag.'

    Late counts only organisations whose file came after their deadline: one that sent
    nothing is missing, not late.
    """
    count = Counter(r.status for r in rows)
    late = sum(1 for r in rows if r.late)
    return tally(
        count[AnswerStatus.COMPLETE], count[AnswerStatus.INCOMPLETE], count[AnswerStatus.MISSING], late
    )


def round_status(
    session: Session, ctx: RoundContext, today: dt.date, *, named: bool = True
) -> list[OrganisationStatus]:
    """Every recipient's status, in annex order.

    Fast by design (the board of a 1,000-organisation round renders from it): the filled
    answers and Excel values are counted in SQL per file, and only the files that lack
    something have their rows read, to name what is missing (`empty`). With `named=False`
    (the board) not even those: `empty` stays unnamed and only the status says incomplete.
    """
    files = _accepted_files(session, ctx.round_id)
    current = [f for fs in files.values() for f in fs if f.is_current]
    lacking = _lacking_files(session, ctx, current)
    answers, values = _detail_rows(session, lacking) if named else ({}, {})
    problems = _problems(session, ctx.round_id)
    reminders = _reminders(session, ctx.round_id)
    pending = _pending(session, ctx.round_id)
    found = [
        _status_of(
            ctx,
            org_id,
            files.get(org_id, []),
            (answers, values, lacking, named),
            problems,
            reminders.get(org_id, []),
            today,
        )
        for org_id in ctx.recipient_ids
    ]
    for status in found:
        status.pending = pending.get(status.organisation, [])
    return found


def _pending(session: Session, round_id: str) -> dict[str, list[str]]:
    """Files identified without a token after a verified version: waiting for confirmation."""
    rows = session.execute(
        select(ReceivedFileRow.organisation_id, ReceivedFileRow.original_name)
        .where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == FileState.PENDING)
        .order_by(ReceivedFileRow.id)
    )
    grouped: dict[str, list[str]] = defaultdict(list)
    for org_id, name in rows:
        grouped[org_id or ""].append(display_name(name))
    return grouped


_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())  # what str.strip() removes


def _lacking_files(session: Session, ctx: RoundContext, current: list[_FileRow]) -> set[int]:
    """The current files that lack a required answer. Counted in SQL, one row per file: the
    filled required fields (columns) of the åtgärder the organisation is assigned, against
    how many the round asks. Every file counts as lacking when the assignments are not stored."""
    if ctx.assigned is None:
        return {f.id for f in current}
    fields = ctx.definition.fields
    word_ids = [f.id for f in fields.word if f.required]
    column_ids = [c.id for c in fields.excel if c.required]
    filled = dict(session.execute(_filled(ctx.round_id, FileKind.DOCX, AnswerRow).where(
        AnswerRow.empty.is_(False), AnswerRow.field_id.in_(word_ids)
    )).tuples().all())  # fmt: skip
    given = dict(session.execute(_filled(ctx.round_id, FileKind.XLSX, ValueRow).where(
        ValueRow.column_id.in_(column_ids), func.trim(ValueRow.raw, _WHITESPACE) != ""
    )).tuples().all())  # fmt: skip
    general = set(
        session.scalars(
            select(AnswerRow.file_id)
            .join(ReceivedFileRow, ReceivedFileRow.id == AnswerRow.file_id)
            .where(
                *_current_of(ctx.round_id, FileKind.DOCX),
                AnswerRow.empty.is_(False),
                AnswerRow.measure_key == GENERAL,
                AnswerRow.field_id == fields.general.id,
            )
        )
    )
    lacking: set[int] = set()
    for f in current:
        assignments = ctx.assignments(f.organisation_id or "")
        if f.kind == FileKind.DOCX:
            needs_general = fields.general.required or not assignments
            short = filled.get(f.id, 0) < len(assignments) * len(word_ids)
            if short or (needs_general and f.id not in general):
                lacking.add(f.id)
        elif f.kind == FileKind.XLSX and given.get(f.id, 0) < len(assignments) * len(column_ids):
            lacking.add(f.id)
    return lacking


def _current_of(round_id: str, kind: str) -> tuple[ColumnElement[bool], ...]:
    return (
        ReceivedFileRow.round_id == round_id,
        ReceivedFileRow.status == FileState.ACCEPTED,
        ReceivedFileRow.is_current.is_(True),
        ReceivedFileRow.kind == kind,
    )


def _filled(round_id: str, kind: str, table: type[AnswerRow] | type[ValueRow]) -> Select:
    """Per current file of `kind`: how many rows of `table` belong to an assigned åtgärd (the
    caller adds what makes a row count as filled). The join with the assignments is the only
    filter on the åtgärd: an `IN` list of the round's keys made SQLite probe the index once per
    key and file (120,000 probes at 1,000 organisations) instead of reading each file's range."""
    return (
        select(ReceivedFileRow.id, func.count())
        .join(table, table.file_id == ReceivedFileRow.id)
        .join(
            AssignmentRow,
            and_(
                AssignmentRow.round_id == ReceivedFileRow.round_id,
                AssignmentRow.organisation_id == ReceivedFileRow.organisation_id,
                AssignmentRow.measure_key == table.measure_key,
            ),
        )
        .where(*_current_of(round_id, kind))
        .group_by(ReceivedFileRow.id)
    )


def _detail_rows(
    session: Session, file_ids: set[int]
) -> tuple[dict[int, list[AnswerRow]], dict[int, list[ValueRow]]]:
    """Only the columns the missing list reads, of the files that lack something."""
    if not file_ids:
        return {}, {}
    answer_columns = (AnswerRow.file_id, AnswerRow.measure_key, AnswerRow.field_id, AnswerRow.empty)
    value_columns = (ValueRow.file_id, ValueRow.measure_key, ValueRow.column_id, ValueRow.raw)
    answers = _by_file(session.execute(select(*answer_columns).where(AnswerRow.file_id.in_(file_ids))))
    values = _by_file(session.execute(select(*value_columns).where(ValueRow.file_id.in_(file_ids))))
    return answers, values


def _problems(session: Session, round_id: str) -> dict[int, list[str]]:
    """The Excel values of the current files that failed their check, per file (few: read whole)."""
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(ValueRow.file_id, ValueRow.problem)
        .join(ReceivedFileRow, ReceivedFileRow.id == ValueRow.file_id)
        .where(*_current_of(round_id, FileKind.XLSX), ValueRow.problem.is_not(None), ValueRow.problem != "")
        .order_by(ValueRow.file_id, ValueRow.id)
    )
    for file_id, problem in rows:
        found[file_id].append(problem)
    return found


def _status_of(
    ctx: RoundContext,
    org_id: str,
    files: list[_FileRow],
    found: _Found,
    problems: dict[int, list[str]],
    reminders: list[dt.date],
    today: dt.date,
) -> OrganisationStatus:
    org = ctx.organisation(org_id)
    deadline = ctx.deadline_for(org_id)
    result = OrganisationStatus(
        organisation=org_id,
        name=org.forvaltning,
        group=org.group,
        status=AnswerStatus.MISSING,
        late=False,
        reminders=len(reminders),
        last_reminder=max(reminders).isoformat() if reminders else None,
        extension=ctx.recipients[org_id].extended_to.isoformat()
        if ctx.recipients[org_id].extended_to
        else None,
    )
    if not files:
        return result
    first, last = min(files, key=lambda f: f.received_at), max(files, key=lambda f: f.received_at)
    # Stockholm time (with its offset): the CLI, the annex and the workbook cut the day from it.
    result.received = first.received_at.astimezone(STOCKHOLM).isoformat(timespec="minutes")
    result.last_file = display_name(last.original_name)
    result.last_received = last.received_at.astimezone(STOCKHOLM).isoformat(timespec="minutes")
    result.versions = len(files)
    # Against the deadline in force now, so an extension granted afterwards is obeyed.
    result.late = any(stockholm_today(f.received_at) > deadline for f in files)
    current = {f.kind: f for f in files if f.is_current}
    answers, values, lacking, named = found
    if named or _kind_missing(ctx, org_id, current):
        result.empty = _empty_answers(ctx, org_id, current, answers, values, lacking if named else set())
    result.problems = [p for f in current.values() for p in problems.get(f.id, [])]
    unnamed = not named and any(f.id in lacking for f in current.values())
    incomplete = result.empty or result.problems or unnamed
    result.status = AnswerStatus.INCOMPLETE if incomplete else AnswerStatus.COMPLETE
    return result


def _kind_missing(ctx: RoundContext, org_id: str, current: dict[str | None, _FileRow]) -> bool:
    """No current Word file, or no Excel file where one is required: named even on the board."""
    if FileKind.DOCX not in current:
        return True
    needs_excel = any(c.required for c in ctx.definition.fields.excel) and ctx.assignments(org_id)
    return bool(needs_excel) and FileKind.XLSX not in current


def _empty_answers(
    ctx: RoundContext,
    org_id: str,
    current: dict[str | None, _FileRow],
    answers: dict[int, list[AnswerRow]],
    values: dict[int, list[ValueRow]],
    lacking: set[int],
) -> list[str]:
    """What is missing, named; a current file not `lacking` is known complete without its rows."""
    assignments = ctx.assignments(org_id)
    fields = ctx.definition.fields
    missing: list[str] = []
    if FileKind.DOCX not in current:
        missing.append(f"{FileKind.DOCX.label} {NOT_IN}")
    elif current[FileKind.DOCX].id in lacking:
        filled = {
            (a.measure_key, a.field_id) for a in answers.get(current[FileKind.DOCX].id, []) if not a.empty
        }
        general_required = fields.general.required or not assignments
        if general_required and (GENERAL, fields.general.id) not in filled:
            missing.append(fields.general.label)
        missing += [
            f"{label_of(a, assignments)} {f.label}"
            for a in assignments
            for f in fields.word
            if f.required and (a.key, f.id) not in filled
        ]
    required_columns = [c for c in fields.excel if c.required]
    if assignments and required_columns:
        if FileKind.XLSX not in current:
            missing.append(f"{FileKind.XLSX.label} {NOT_IN}")
        elif current[FileKind.XLSX].id in lacking:
            given = {
                (v.measure_key, v.column_id)
                for v in values.get(current[FileKind.XLSX].id, [])
                if v.raw.strip()
            }
            missing += [
                f"{label_of(a, assignments)} {c.label}"
                for a in assignments
                for c in required_columns
                if (a.key, c.id) not in given
            ]
    return missing


def label_of(assignment: Assignment, assignments: list[Assignment]) -> str:
    """'4.1.1', or '6.2.1 (skola)' when the organisation has that number in two delrapporter."""
    number = assignment.measure.number
    clash = sum(1 for a in assignments if a.measure.number == number) > 1
    return f"{number} ({assignment.report.id})" if clash else number


def _accepted_files(session: Session, round_id: str) -> dict[str, list[_FileRow]]:
    """The accepted files per organisation: only the columns status reads, as plain rows."""
    rows = session.execute(
        select(
            ReceivedFileRow.id,
            ReceivedFileRow.organisation_id,
            ReceivedFileRow.kind,
            ReceivedFileRow.is_current,
            ReceivedFileRow.received_at,
            ReceivedFileRow.original_name,
        ).where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == FileState.ACCEPTED)
    )
    grouped: dict[str, list[_FileRow]] = defaultdict(list)
    for row in rows:
        grouped[row.organisation_id or ""].append(row)
    return grouped


def _by_file(rows: Iterable[FileRowT]) -> dict[int, list[FileRowT]]:
    grouped: dict[int, list[FileRowT]] = defaultdict(list)
    for row in rows:
        grouped[row.file_id].append(row)
    return grouped


def _reminders(session: Session, round_id: str) -> dict[str, list[dt.date]]:
    """The days each organisation was reminded (written; sent too when SMTP is configured)."""
    days: dict[str, list[dt.date]] = defaultdict(list)
    rows = session.execute(
        select(ReminderRow.organisation_id, ReminderRow.sent_on, ReminderRow.due_on).where(
            ReminderRow.round_id == round_id
        )
    )
    for org_id, sent_on, due_on in rows:
        days[org_id].append(sent_on or due_on)
    return days
