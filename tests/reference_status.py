"""The per-organisation status as it was computed before the board was made fast: every
answer and Excel value row read and checked in Python. Kept as the oracle the fast,
SQL-counted `remiss.services.status.round_status` must equal."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.documents.model import GENERAL
from remiss.domain import Assignment, Group
from remiss.domain.calendar import STOCKHOLM, stockholm_today
from remiss.domain.outcomes import AnswerStatus, FileKind, FileState
from remiss.services.context import RoundContext
from remiss.services.files import display_name
from remiss.store.schema import AnswerRow, ReceivedFileRow, ReminderRow, ValueRow

FileRowT = TypeVar("FileRowT", AnswerRow, ValueRow)


@dataclass
class OrganisationStatus:
    organisation: str  # catalog id, the same that names the outbox folder
    name: str  # förvaltning as the annex prints it
    group: Group
    status: AnswerStatus
    late: bool
    received: str | None = None  # ISO time of the first accepted file
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
    nothing is missing, not late (each row's `late` is also true for it once the day passed).
    """
    count = Counter(r.status for r in rows)
    late = sum(1 for r in rows if r.late)
    complete, incomplete = count[AnswerStatus.COMPLETE], count[AnswerStatus.INCOMPLETE]
    parts = (
        f"{complete} {'komplett' if complete == 1 else 'kompletta'}",
        f"{incomplete} {'ofullständig' if incomplete == 1 else 'ofullständiga'}",
        f"{count[AnswerStatus.MISSING]} saknas",
    )
    return f"{', '.join(parts)} av {len(rows)}; {late} kom in efter sista svarsdag."


def round_status(session: Session, ctx: RoundContext, today: dt.date) -> list[OrganisationStatus]:
    files = _accepted_files(session, ctx.round_id)
    current_ids = [f.id for fs in files.values() for f in fs if f.is_current]
    # Only the columns status reads: never the answers' text and XML (most of a big round's bytes).
    answer_columns = (AnswerRow.file_id, AnswerRow.measure_key, AnswerRow.field_id, AnswerRow.empty)
    value_columns = (
        ValueRow.file_id, ValueRow.measure_key, ValueRow.column_id, ValueRow.raw, ValueRow.problem
    )  # fmt: skip
    answers = _by_file(session.execute(select(*answer_columns).where(AnswerRow.file_id.in_(current_ids))))
    values = _by_file(session.execute(select(*value_columns).where(ValueRow.file_id.in_(current_ids))))
    reminders = _reminders(session, ctx.round_id)
    pending = _pending(session, ctx.round_id)
    found = [
        _status_of(ctx, org_id, files.get(org_id, []), answers, values, reminders.get(org_id, []), today)
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


def _status_of(
    ctx: RoundContext,
    org_id: str,
    files: list[ReceivedFileRow],
    answers: dict[int, list[AnswerRow]],
    values: dict[int, list[ValueRow]],
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
        late=False,  # a missing answer is never late
        reminders=len(reminders),
        last_reminder=max(reminders).isoformat() if reminders else None,
        extension=ctx.recipients[org_id].extended_to.isoformat()
        if ctx.recipients[org_id].extended_to
        else None,
    )
    if not files:
        return result
    first, last = min(files, key=lambda f: f.received_at), max(files, key=lambda f: f.received_at)
    result.received = first.received_at.astimezone(STOCKHOLM).isoformat(timespec="minutes")
    result.last_file = display_name(last.original_name)
    result.last_received = last.received_at.astimezone(STOCKHOLM).isoformat(timespec="minutes")
    result.versions = len(files)
    # Against the deadline in force now, so an extension granted afterwards is obeyed.
    result.late = any(stockholm_today(f.received_at) > deadline for f in files)
    current = {f.kind: f for f in files if f.is_current}
    result.empty = _empty_answers(ctx, org_id, current, answers, values)
    result.problems = [v.problem for f in current.values() for v in values.get(f.id, []) if v.problem]
    result.status = AnswerStatus.INCOMPLETE if result.empty or result.problems else AnswerStatus.COMPLETE
    return result


def _empty_answers(
    ctx: RoundContext,
    org_id: str,
    current: dict[str | None, ReceivedFileRow],
    answers: dict[int, list[AnswerRow]],
    values: dict[int, list[ValueRow]],
) -> list[str]:
    assignments = ctx.assignments(org_id)
    fields = ctx.definition.fields
    missing: list[str] = []
    if FileKind.DOCX not in current:
        missing.append("Word-svaret har inte kommit in")
    else:
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
            missing.append("Excelfilen har inte kommit in")
        else:
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


def _accepted_files(session: Session, round_id: str) -> dict[str, list[ReceivedFileRow]]:
    rows = session.scalars(
        select(ReceivedFileRow).where(
            ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == FileState.ACCEPTED
        )
    )
    grouped: dict[str, list[ReceivedFileRow]] = defaultdict(list)
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
