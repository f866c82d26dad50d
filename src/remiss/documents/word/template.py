"""The Word response template one nämnd fills in: only its own åtgärder, one control per field.

Every answer field is a block-level rich-text content control tagged
`remiss:<measure_key>:<field_id>` under a bold label paragraph, inside a section headed
by real Heading 1/2 styles; the reader relies on all three (tag, alias, heading) because
editors drop some of them.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator

from lxml import etree

from remiss.documents.model import GENERAL
from remiss.documents.ooxml import w
from remiss.documents.word.base import BasePackage, base_package, stamp
from remiss.documents.word.wordml import (
    DEFAULT_WORDS,
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
from remiss.domain.round import Assignment, Report, Role, RoundDefinition, Vocabulary, WordField
from remiss.identity import FileIdentity
from remiss.swedish import long_date

DEFAULT_INSTRUCTIONS = (
    "Skriv nämndens svar i de grå fälten under varje {item}. Lämna ett fält som det är om "
    "nämnden inte har något att tillföra. Spara filen som Word-dokument (.docx) och skicka "
    "tillbaka den före sista svarsdagen."
)
NO_MEASURES = (
    "Nämnden har inga {items} tilldelade i den här remissen, men är välkommen att lämna "
    "en övergripande kommentar."
)


def build_response_docx(
    definition: RoundDefinition,
    org: Organisation,
    assignments: list[Assignment],
    identity: FileIdentity,
) -> bytes:
    """The .docx one nämnd receives, identified by custom properties and a footer reference."""
    base = base_package(definition.title, definition.sender)
    document_xml = _round_parts(definition, base).document_xml(org, assignments)
    return stamp(base, document_xml, identity.reference, identity.as_properties())


def responsibility_line(assignment: Assignment, definition: RoundDefinition | None = None) -> str:
    """The round's free text, else 'Nämndens roll: ansvarig' in the round's words; nothing when
    no item of the round has delansvar (every recipient answers all it gets as ansvarig)."""
    if assignment.measure.responsibility:
        return assignment.measure.responsibility
    if definition is not None and not definition.shares_responsibility:
        return ""
    words = definition.vocabulary if definition is not None else DEFAULT_WORDS
    return f"Nämndens roll: {words.roles.in_text(assignment.role)}"


def no_measures_text(words: Vocabulary) -> str:
    return NO_MEASURES.format(items=words.item.many)


class _Writer:
    """The body's blocks; numbers the controls from `ids` so their ids are unique."""

    def __init__(self, definition: RoundDefinition, ids: Iterator[int] | None = None) -> None:
        self.definition = definition
        self.repeated = repeated_numbers(definition)
        self._ids = ids or itertools.count(1)

    def blocks(self, org: Organisation, assignments: list[Assignment]) -> Iterator[etree._Element]:
        yield from self.heading_block(org)
        yield from self.instructions()
        if not assignments:
            yield paragraph(no_measures_text(self.definition.vocabulary))
        yield from self.general()
        for report, items in _by_report(assignments):
            yield _delrapport_heading(report, self.definition.vocabulary)
            for assignment in items:
                yield from self.measure(assignment)

    def heading_block(self, org: Organisation) -> Iterator[etree._Element]:
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

    def instructions(self) -> Iterator[etree._Element]:
        text = self.definition.instructions or DEFAULT_INSTRUCTIONS.format(
            item=self.definition.vocabulary.item.one
        )
        yield paragraph("Instruktioner", bold=True, keep_next=True)
        for line in text.splitlines():
            if line.strip():
                yield paragraph(line.strip())

    def general(self) -> Iterator[etree._Element]:
        general = self.definition.fields.general
        yield from self._field(general, field_tag(GENERAL, general.id), general_alias(general))

    def measure(self, assignment: Assignment) -> Iterator[etree._Element]:
        measure, words = assignment.measure, self.definition.vocabulary
        yield paragraph(measure_heading(measure, words), style=STYLE_HEADING_2)
        if measure.description:
            yield paragraph(measure.description)
        line = responsibility_line(assignment, self.definition)
        if line:
            yield paragraph(line, italic=True)
        for field in self.definition.fields.word:
            alias = field_alias(assignment.report, measure, field, self.repeated)
            yield from self._field(field, field_tag(assignment.key, field.id), alias)

    def _field(self, field: WordField, tag: str, alias: str) -> Iterator[etree._Element]:
        yield paragraph(field.label, bold=True, keep_next=True)
        yield rich_text_control(tag, alias, field.placeholder, next(self._ids))


class _RoundParts:
    """The round's template body, serialized once; each organisation's document is joined from it.

    Only the heading block (nämnd, förvaltning) is built per organisation. Every other
    block — instructions, general comment, each delrapport heading and each åtgärd with
    its labels and controls, for either role — is XML text made once per round, with the
    controls' ids left at 0 and numbered in document order when a document is joined. The
    result is byte for byte what building the whole tree per organisation gave.
    """

    def __init__(self, definition: RoundDefinition, base: BasePackage) -> None:
        root = etree.fromstring(base.document_xml)
        probe = etree.Element(w("p"))
        root.find(f"{w('body')}/{w('sectPr')}").addprevious(probe)
        document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode()
        self._head, self._tail = document.split("<w:p/>")
        self._nsmap = root.nsmap
        self.definition = definition
        writer = _Writer(definition, itertools.repeat(0))
        self._fixed = self._serialize(writer.instructions())
        words = definition.vocabulary
        self._no_measures = self._serialize([paragraph(no_measures_text(words))])
        self._general = self._serialize(writer.general())
        self._reports = {id(r): self._serialize([_delrapport_heading(r, words)]) for r in definition.reports}
        self._measures = {
            (id(measure), role): self._serialize(writer.measure(Assignment(report, measure, role)))
            for report in definition.reports
            for measure in report.measures
            for role in Role
        }

    def document_xml(self, org: Organisation, assignments: list[Assignment]) -> bytes:
        writer = _Writer(self.definition, itertools.repeat(0))
        pieces = [self._serialize(writer.heading_block(org)), self._fixed]
        if not assignments:
            pieces.append(self._no_measures)
        pieces.append(self._general)
        for report, items in _by_report(assignments):
            known = self._reports.get(id(report))  # parts are of this definition's own objects
            heading = [_delrapport_heading(report, self.definition.vocabulary)]
            pieces.append(known if known is not None else self._serialize(heading))
            for a in items:
                known = self._measures.get((id(a.measure), a.role))
                pieces.append(known if known is not None else self._serialize(writer.measure(a)))
        parts = "".join(pieces).split(_UNNUMBERED)
        numbered = [parts[0]]
        for number, rest in enumerate(parts[1:], start=1):
            numbered += [f'<w:id w:val="{number}"/>', rest]
        return (self._head + "".join(numbered) + self._tail).encode()

    def _serialize(self, blocks: Iterable[etree._Element]) -> str:
        """Blocks as they read inside document.xml: under a holder declaring the root's namespaces."""
        holder = etree.Element(w("body"), nsmap=self._nsmap)
        holder.extend(blocks)
        if not len(holder):
            return ""
        text = etree.tostring(holder, encoding="unicode")
        return text[text.index(">") + 1 : -len("</w:body>")]


_UNNUMBERED = '<w:id w:val="0"/>'
_PARTS: dict[int, tuple[RoundDefinition, BasePackage, _RoundParts]] = {}
_PARTS_LOCK = threading.Lock()


def _round_parts(definition: RoundDefinition, base: BasePackage) -> _RoundParts:
    """The parts of `definition` (the same object: rounds are parsed once per process)."""
    with _PARTS_LOCK:
        cached = _PARTS.get(id(definition))
        if cached is None or cached[0] is not definition or cached[1] is not base:
            if len(_PARTS) >= 8:
                _PARTS.pop(next(iter(_PARTS)))
            cached = (definition, base, _RoundParts(definition, base))
            _PARTS[id(definition)] = cached
        return cached[2]


def _delrapport_heading(report: Report, words: Vocabulary) -> etree._Element:
    return paragraph(report_heading(report, words), style=STYLE_HEADING_1)


def _by_report(assignments: list[Assignment]) -> list[tuple[Report, list[Assignment]]]:
    """Assignments grouped under their delrapport, keeping the order they came in."""
    groups: dict[str, tuple[Report, list[Assignment]]] = {}
    for assignment in assignments:
        groups.setdefault(assignment.report.id, (assignment.report, []))[1].append(assignment)
    return list(groups.values())
