"""Gathering the compiled annex from the store: current answers, in the annex's order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.documents.model import (
    GENERAL,
    AnnexDocument,
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
)
from remiss.domain import Group
from remiss.services.context import RoundContext
from remiss.store.schema import AnswerRow, ReceivedFileRow


def gather_annex(session: Session, ctx: RoundContext, day: dt.date, draft_stamp: str | None) -> AnnexDocument:
    answers = _current_answers(session, ctx.round_id)
    groups: dict[Group, list[AnnexEntry]] = defaultdict(list)
    for org_id in ctx.recipient_ids:
        org = ctx.organisation(org_id)
        groups[org.group].append(_entry(ctx, org_id, answers.get(org_id)))
    return AnnexDocument(
        title=ctx.definition.title,
        diarienummer=ctx.definition.diarienummer,
        date=day,
        groups=[AnnexGroup(group.heading, groups[group]) for group in Group if groups.get(group)],
        missing_text=ctx.definition.missing_text,
        draft_stamp=draft_stamp,
    )


def used_versions(session: Session, round_id: str) -> dict[str, int]:
    """Which Word file version of each organisation the annex used (recorded for a final annex)."""
    rows = session.execute(
        select(ReceivedFileRow.organisation_id, ReceivedFileRow.version).where(*_current_docx(round_id))
    )
    return {org_id: version for org_id, version in rows if org_id}


def _entry(ctx: RoundContext, org_id: str, answers: dict[tuple[str, str], str] | None) -> AnnexEntry:
    name = ctx.organisation(org_id).forvaltning
    if answers is None:
        return AnnexEntry(name=name, missing=True)
    fields = ctx.definition.fields
    general_xml = answers.get((GENERAL, fields.general.id), "")
    general = AnnexField(fields.general.label, general_xml) if general_xml else None
    reports: dict[str, AnnexReport] = {}
    for assignment in ctx.assignments(org_id):
        report = reports.setdefault(assignment.report.id, AnnexReport(assignment.report.title, []))
        report.measures.append(
            AnnexMeasure(
                number=assignment.measure.number,
                title=assignment.measure.title,
                fields=[AnnexField(f.label, answers.get((assignment.key, f.id), "")) for f in fields.word],
            )
        )
    return AnnexEntry(name=name, missing=False, general=general, reports=list(reports.values()))


def _current_docx(round_id: str) -> tuple:  # type: ignore[type-arg]
    return (
        ReceivedFileRow.round_id == round_id,
        ReceivedFileRow.kind == "docx",
        ReceivedFileRow.is_current.is_(True),
        ReceivedFileRow.status == "accepted",
    )


def _current_answers(session: Session, round_id: str) -> dict[str, dict[tuple[str, str], str]]:
    rows = session.execute(
        select(ReceivedFileRow.organisation_id, AnswerRow.measure_key, AnswerRow.field_id, AnswerRow.xml)
        .join(AnswerRow, AnswerRow.file_id == ReceivedFileRow.id)
        .where(*_current_docx(round_id))
    )
    by_org: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for org_id, key, field_id, xml in rows:
        by_org[org_id][(key, field_id)] = xml
    return by_org
