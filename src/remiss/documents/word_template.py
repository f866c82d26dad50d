"""The Word response template one nämnd fills in: only its own åtgärder, one control per field.

Every answer field is a block-level rich-text content control tagged
`remiss:<measure_key>:<field_id>` under a bold label paragraph, inside a section headed
by real Heading 1/2 styles; the reader relies on all three (tag, alias, heading) because
editors drop some of them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from lxml import etree

from remiss.documents.model import GENERAL
from remiss.documents.ooxml import w
from remiss.documents.word_base import base_package, stamp
from remiss.documents.word_xml import (
    STYLE_HEADING_1,
    STYLE_HEADING_2,
    STYLE_NO_SPACING,
    STYLE_TITLE,
    field_alias,
    field_tag,
    general_alias,
    labelled,
    measure_heading,
    paragraph,
    repeated_numbers,
    report_heading,
    rich_text_control,
)
from remiss.domain.catalog import Organisation
from remiss.domain.round import Assignment, Report, RoundDefinition, WordField
from remiss.identity import FileIdentity
from remiss.swedish import long_date

DEFAULT_INSTRUCTIONS = (
    "Skriv nämndens svar i de grå fälten under varje åtgärd. Lämna ett fält som det är om "
    "nämnden inte har något att tillföra. Spara filen som Word-dokument (.docx) och skicka "
    "tillbaka den före sista svarsdagen."
)
NO_MEASURES = (
    "Nämnden har inga åtgärder tilldelade i den här remissen, men är välkommen att lämna "
    "en övergripande kommentar."
)
ROLE_LINE = {"ansvarig": "Nämndens roll: ansvarig", "delansvar": "Nämndens roll: delansvar"}


def build_response_docx(
    definition: RoundDefinition,
    org: Organisation,
    assignments: list[Assignment],
    identity: FileIdentity,
) -> bytes:
    """The .docx one nämnd receives, identified by custom properties and a footer reference."""
    base = base_package(definition.title, definition.sender)
    root = etree.fromstring(base.document_xml)
    section = root.find(f"{w('body')}/{w('sectPr')}")
    for block in _Writer(definition).blocks(org, assignments):
        section.addprevious(block)
    document_xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return stamp(base, document_xml, identity.reference, identity.as_properties())


def responsibility_line(assignment: Assignment) -> str:
    return assignment.measure.responsibility or ROLE_LINE[assignment.role]


class _Writer:
    """Yields the body's blocks in order; numbers the controls so their ids are unique."""

    def __init__(self, definition: RoundDefinition) -> None:
        self.definition = definition
        self.repeated = repeated_numbers(definition)
        self._ids = itertools.count(1)

    def blocks(self, org: Organisation, assignments: list[Assignment]) -> Iterator[etree._Element]:
        yield from self._heading_block(org)
        yield from self._instructions()
        if not assignments:
            yield paragraph(NO_MEASURES)
        general = self.definition.fields.general
        yield from self._field(general, field_tag(GENERAL, general.id), general_alias(general))
        for report, items in _by_report(assignments):
            yield paragraph(report_heading(report), style=STYLE_HEADING_1)
            for assignment in items:
                yield from self._measure(assignment)

    def _heading_block(self, org: Organisation) -> Iterator[etree._Element]:
        d = self.definition
        yield paragraph(d.title, style=STYLE_TITLE)
        for label, value in (
            ("Diarienummer", d.diarienummer),
            ("Nämnd", org.namnd),
            ("Förvaltning", org.forvaltning),
            ("Sista svarsdag", long_date(d.deadline)),
            ("Avsändare", d.sender),
        ):
            yield paragraph(labelled(label, value), style=STYLE_NO_SPACING)
        yield paragraph()

    def _instructions(self) -> Iterator[etree._Element]:
        text = self.definition.instructions or DEFAULT_INSTRUCTIONS
        yield paragraph("Instruktioner", bold=True, keep_next=True)
        for line in text.splitlines():
            if line.strip():
                yield paragraph(line.strip())

    def _measure(self, assignment: Assignment) -> Iterator[etree._Element]:
        measure = assignment.measure
        yield paragraph(measure_heading(measure), style=STYLE_HEADING_2)
        if measure.description:
            yield paragraph(measure.description)
        yield paragraph(responsibility_line(assignment), italic=True)
        for field in self.definition.fields.word:
            alias = field_alias(assignment.report, measure, field, self.repeated)
            yield from self._field(field, field_tag(assignment.key, field.id), alias)

    def _field(self, field: WordField, tag: str, alias: str) -> Iterator[etree._Element]:
        yield paragraph(field.label, bold=True, keep_next=True)
        yield rich_text_control(tag, alias, field.placeholder, next(self._ids))


def _by_report(assignments: list[Assignment]) -> list[tuple[Report, list[Assignment]]]:
    """Assignments grouped under their delrapport, keeping the order they came in."""
    groups: dict[str, tuple[Report, list[Assignment]]] = {}
    for assignment in assignments:
        groups.setdefault(assignment.report.id, (assignment.report, []))[1].append(assignment)
    return list(groups.values())
