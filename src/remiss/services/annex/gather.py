"""Gathering the compiled annex from the store: current answers, in the annex's order.

Two views of the same answers — per organisation (the annex as published) and per åtgärd
(`--by-measure`) — each followed by the appendix of who answered what, built from the same
round status `remiss status` shows; and the compiled workbook (`--xlsx`) as rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.documents.annex.sections import summary_line
from remiss.documents.model import (
    GENERAL,
    AnnexDocument,
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
    AppendixGroup,
    AppendixRow,
    MeasureAnswer,
    MeasureReport,
    MeasureSection,
)
from remiss.domain import Assignment, Group
from remiss.domain.outcomes import FileKind, FileState
from remiss.domain.round import Role, measure_key
from remiss.services.context import RoundContext
from remiss.services.status import OrganisationStatus, label_of, round_status
from remiss.store.schema import AnswerRow, ReceivedFileRow, ValueRow
from remiss.swedish import long_date

_KINDS = ((FileKind.DOCX, "Word"), (FileKind.XLSX, "Excel"))

Answers = dict[tuple[str, str], "StoredAnswer"]


@dataclass(frozen=True)
class StoredAnswer:
    xml: str
    text: str


@dataclass(frozen=True)
class StoredValue:
    value: str | float | None  # None when empty or refused
    problem: str | None = None  # why the typed value was refused


def gather_annex(
    session: Session, ctx: RoundContext, day: dt.date, draft_stamp: str | None, by_measure: bool = False
) -> AnnexDocument:
    """The annex as of `day`: per organisation, or per åtgärd; with its appendix."""
    answers = current_answers(session, ctx.round_id)
    entries = {org_id: _entry(ctx, org_id, answers.get(org_id)) for org_id in ctx.recipient_ids}
    groups: dict[Group, list[AnnexEntry]] = defaultdict(list)
    for org_id, entry in entries.items():
        groups[ctx.organisation(org_id).group].append(entry)
    statuses = round_status(session, ctx, day)
    refused = current_values(session, ctx.round_id, refused_only=True)
    return AnnexDocument(
        title=ctx.definition.title,
        diarienummer=ctx.definition.diarienummer,
        date=day,
        groups=[] if by_measure else [AnnexGroup(g.heading, groups[g]) for g in Group if groups.get(g)],
        missing_text=ctx.definition.missing_text,
        draft_stamp=draft_stamp,
        by_measure=_by_measure(ctx, answers) if by_measure else None,
        general=list(entries.values()) if by_measure else [],
        appendix=_appendix(ctx, statuses, current_versions(session, ctx.round_id), refused),
        status_line=_status_line(statuses, ctx, day),
        words=ctx.definition.vocabulary,
    )


def used_versions(session: Session, round_id: str) -> dict[str, int]:
    """Which Word file version of each organisation the annex used (recorded for a final annex)."""
    versions = current_versions(session, round_id)
    return {org_id: kinds[FileKind.DOCX] for org_id, kinds in versions.items() if FileKind.DOCX in kinds}


def current_versions(session: Session, round_id: str) -> dict[str, dict[str, int]]:
    """organisation -> {"docx": 2, "xlsx": 1}: the versions in use now."""
    rows = session.execute(
        select(ReceivedFileRow.organisation_id, ReceivedFileRow.kind, ReceivedFileRow.version).where(
            ReceivedFileRow.round_id == round_id,
            ReceivedFileRow.is_current.is_(True),
            ReceivedFileRow.status == FileState.ACCEPTED,
        )
    )
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for org_id, kind, version in rows:
        if org_id and kind and version is not None:
            found[org_id][kind] = version
    return dict(found)


def current_answers(session: Session, round_id: str) -> dict[str, Answers]:
    """organisation -> (measure key, field id) -> the current Word file's answer."""
    rows = session.execute(
        select(
            ReceivedFileRow.organisation_id,
            AnswerRow.measure_key,
            AnswerRow.field_id,
            AnswerRow.xml,
            AnswerRow.text,
        )
        .join(AnswerRow, AnswerRow.file_id == ReceivedFileRow.id)
        .where(*_current(round_id, FileKind.DOCX))
    )
    by_org: dict[str, Answers] = defaultdict(dict)
    for org_id, key, field_id, xml, text in rows:
        by_org[org_id][(key, field_id)] = StoredAnswer(xml, text)
    return by_org


def current_values(
    session: Session, round_id: str, *, refused_only: bool = False
) -> dict[str, dict[tuple[str, str], StoredValue]]:
    """organisation -> (measure key, column id) -> the current Excel file's checked value.

    A value the check refused (text in a number column, a choice outside the list, a formula)
    has no value, only its problem: it must never pass for an answer. `refused_only`: just
    those (the appendix's list), one small query instead of every value of the round.
    """
    rows = session.execute(
        select(
            ReceivedFileRow.organisation_id,
            ValueRow.measure_key,
            ValueRow.column_id,
            ValueRow.value_text,
            ValueRow.value_number,
            ValueRow.problem,
        )
        .join(ValueRow, ValueRow.file_id == ReceivedFileRow.id)
        .where(*_current(round_id, FileKind.XLSX), *([ValueRow.problem.is_not(None)] if refused_only else []))
    )
    by_org: dict[str, dict[tuple[str, str], StoredValue]] = defaultdict(dict)
    for org_id, key, column_id, text, number, problem in rows:
        value = None if problem else number if number is not None else text
        by_org[org_id][(key, column_id)] = StoredValue(value, problem)
    return by_org


def _current(round_id: str, kind: str) -> tuple:  # type: ignore[type-arg]
    return (
        ReceivedFileRow.round_id == round_id,
        ReceivedFileRow.kind == kind,
        ReceivedFileRow.is_current.is_(True),
        ReceivedFileRow.status == FileState.ACCEPTED,
    )


def _entry(ctx: RoundContext, org_id: str, answers: Answers | None) -> AnnexEntry:
    name = ctx.organisation(org_id).forvaltning
    if answers is None:
        return AnnexEntry(name=name, missing=True)
    fields = ctx.definition.fields
    general = _xml(answers, GENERAL, fields.general.id)
    reports: dict[str, AnnexReport] = {}
    for assignment in ctx.assignments(org_id):
        report = reports.setdefault(assignment.report.id, AnnexReport(assignment.report.title, []))
        report.measures.append(
            AnnexMeasure(
                number=assignment.measure.number,
                title=assignment.measure.title,
                fields=_fields(ctx, answers, assignment.key),
                description=_description(ctx, assignment.measure.description),
            )
        )
    return AnnexEntry(
        name=name,
        missing=False,
        general=AnnexField(fields.general.label, general) if general else None,
        reports=list(reports.values()),
    )


def _fields(ctx: RoundContext, answers: Answers, key: str) -> list[AnnexField]:
    return [AnnexField(f.label, _xml(answers, key, f.id), f.required) for f in ctx.definition.fields.word]


def _description(ctx: RoundContext, description: str) -> str:
    """The item's description under its heading, unless the round's `annex.descriptions` is off."""
    return description.strip() if ctx.definition.annex.descriptions else ""


def _xml(answers: Answers, key: str, field_id: str) -> str:
    found = answers.get((key, field_id))
    return found.xml if found is not None else ""


def _by_measure(ctx: RoundContext, answers: dict[str, Answers]) -> list[MeasureReport]:
    """Per delrapport and åtgärd, every responsible recipient's answer, in annex order."""
    responsible: dict[str, list[tuple[str, Assignment]]] = defaultdict(list)
    for org_id in ctx.recipient_ids:
        for assignment in ctx.assignments(org_id):
            responsible[assignment.key].append((org_id, assignment))
    reports = []
    for report in ctx.definition.reports:
        sections = []
        for measure in report.measures:
            assigned = responsible.get(measure_key(report.id, measure.number), [])
            sections.append(
                MeasureSection(
                    number=measure.number,
                    title=measure.title,
                    description=_description(ctx, measure.description),
                    responsibility=measure.responsibility or _responsibility(ctx, assigned),
                    answers=[
                        MeasureAnswer(
                            organisation=ctx.organisation(org_id).forvaltning,
                            missing=org_id not in answers,
                            fields=_fields(ctx, answers.get(org_id, {}), assignment.key),
                        )
                        for org_id, assignment in assigned
                    ],
                )
            )
        reports.append(MeasureReport(report.title, sections))
    return reports


def _responsibility(ctx: RoundContext, assigned: list[tuple[str, Assignment]]) -> str:
    """'Ansvarig: Kulturförvaltningen. Delansvar: Bromma, Farsta.' from the round's assignments."""
    parts, roles = [], ctx.definition.vocabulary.roles
    for role in Role:
        names = [ctx.organisation(org_id).forvaltning for org_id, a in assigned if a.role == role]
        if names:
            parts.append(f"{roles.of(role)}: {', '.join(names)}.")
    return " ".join(parts)


def _appendix(
    ctx: RoundContext,
    statuses: list[OrganisationStatus],
    versions: dict[str, dict[str, int]],
    values: dict[str, dict[tuple[str, str], StoredValue]] | None = None,
) -> list[AppendixGroup]:
    rows: dict[str, list[AppendixRow]] = defaultdict(list)
    for status in statuses:
        used = versions.get(status.organisation, {})
        refused = _refused(ctx, status.organisation, (values or {}).get(status.organisation, {}))
        rows[ctx.organisation(status.organisation).group.heading].append(
            AppendixRow(
                name=status.name,
                status=status.status,
                received=(status.received or "")[:10],
                late=status.late and status.received is not None,
                missing=[*status.empty, *(refused or status.problems)],
                versions=", ".join(f"{label} {used[kind]}" for kind, label in _KINDS if kind in used),
            )
        )
    return [AppendixGroup(group.heading, rows[group.heading]) for group in Group if rows.get(group.heading)]


def _refused(ctx: RoundContext, org_id: str, values: dict[tuple[str, str], StoredValue]) -> list[str]:
    """'4.1.1 Tidshorisont (ogiltigt värde)': the Excel values the check refused, as short as the
    appendix's column needs (the reminder and the receipt give the whole reason)."""
    assignments = ctx.assignments(org_id)
    found = []
    for assignment in assignments:
        for column in ctx.definition.fields.excel:
            value = values.get((assignment.key, column.id))
            if value is not None and value.problem:
                found.append(f"{label_of(assignment, assignments)} {column.label} (ogiltigt värde)")
    return found


def _status_line(statuses: list[OrganisationStatus], ctx: RoundContext, day: dt.date) -> str:
    rows = [AppendixRow(s.name, s.status, late=s.late and s.received is not None) for s in statuses]
    deadline = long_date(ctx.definition.deadline)
    return (
        f"Läget {long_date(day)} (sista svarsdag {deadline}): {summary_line(rows)} Komplett betyder att "
        "alla obligatoriska svar finns i Word- och Excelfilen; under Saknas står vad som fattas."
    )
