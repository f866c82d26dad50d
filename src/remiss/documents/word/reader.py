"""Reading the answers out of a returned Word response, whichever editor saved it.

Each expected field is looked for by its control's tag, then by its alias (LibreOffice
7.4 drops tags), then by position: the text under its label below the åtgärd's heading
(someone deleted the controls, or pasted the text outside them). Parsing is lxml over
the raw part, because python-docx cannot see inside block-level content controls.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from lxml import etree

from remiss.documents.model import GENERAL, Extracted, ExtractedAnswer
from remiss.documents.ooxml import w
from remiss.documents.package import open_package, read_member
from remiss.documents.word.clean import clean, normalised
from remiss.documents.word.locate import BodyIndex
from remiss.documents.word.media import PackageMedia
from remiss.documents.word.passes import BodyFacts
from remiss.documents.word.template import responsibility_line
from remiss.documents.word.wordml import field_alias, field_tag, general_alias, repeated_numbers
from remiss.documents.xmlsafe import parse_untrusted
from remiss.domain.round import Assignment, RoundDefinition, WordField
from remiss.errors import RejectedFile

DOCUMENT_PART = "word/document.xml"


@dataclass(frozen=True)
class _Expected:
    """One field the file should answer, and how the template marked it."""

    key: str
    field: WordField
    tag: str
    alias: str
    assignment: Assignment | None = None  # None for the general comment


def read_response_docx(
    data: bytes, name: str, definition: RoundDefinition, assignments: list[Assignment]
) -> Extracted:
    """One ExtractedAnswer per expected field (general first), plus Swedish warnings.

    A field found by no route is empty, with found_by "heading" (the last route tried),
    and is named in a warning.
    """
    with open_package(data, name) as package:
        body, source = _parse(package, name)
        facts = BodyFacts(body, source)  # strips what no answer keeps, in place
        expected = _expected_fields(definition, assignments)
        labels = {definition.fields.general.label} | {f.label for f in definition.fields.word}
        index = BodyIndex(body, labels, {e.alias for e in expected}, definition.vocabulary)
        reader = _Reader(index, facts, definition, name, PackageMedia.load(package))
        extracted = Extracted(answers=[reader.answer(e) for e in expected])
        extracted.warnings = reader.warnings(expected)
    return extracted


def _parse(package: zipfile.ZipFile, name: str) -> tuple[etree._Element, bytes]:
    """document.xml's body, and the part's bytes; every failure is a RejectedFile naming `name`.

    styles.xml is not read: headings are recognised by style id, outline level or the
    template's heading text, and parsing the styles part would triple the reading time.
    """
    try:
        source = read_member(package, DOCUMENT_PART, name)
        root = _parse_part(source, DOCUMENT_PART, name)
    except (zipfile.BadZipFile, OSError, ValueError, etree.LxmlError):
        raise RejectedFile(
            f"{name} är skadad och kan inte läsas som Word-dokument.", code="corrupt"
        ) from None
    body = root.find(w("body"))
    if body is None:
        raise RejectedFile(f"{name} saknar dokumenttext och är inte ett Word-svar.", code="not-docx")
    return body, source


def _parse_part(data: bytes, part: str, name: str) -> etree._Element:
    try:
        return parse_untrusted(data, part)
    except RejectedFile as exc:
        raise RejectedFile(f"{name}: {exc.reason}", code=exc.code) from None


def _expected_fields(definition: RoundDefinition, assignments: list[Assignment]) -> list[_Expected]:
    general = definition.fields.general
    found = [_Expected(GENERAL, general, field_tag(GENERAL, general.id), general_alias(general))]
    repeated = repeated_numbers(definition)
    for assignment in assignments:
        for field in definition.fields.word:
            alias = field_alias(assignment.report, assignment.measure, field, repeated)
            tag = field_tag(assignment.key, field.id)
            found.append(_Expected(assignment.key, field, tag, alias, assignment))
    return found


class _Reader:
    """Locates and cleans each answer, remembering what to warn the coordinator about."""

    def __init__(
        self, index: BodyIndex, facts: BodyFacts, definition: RoundDefinition, name: str, media: PackageMedia
    ) -> None:
        self.index = index
        self.facts = facts
        self.media = media  # pictures and links are carried into the fragments
        self.definition = definition
        self.name = name
        self.by_heading: list[str] = []
        self.missing: list[str] = []
        self.duplicated: list[str] = []
        self.dropped: dict[str, set[str]] = {}

    def answer(self, expected: _Expected) -> ExtractedAnswer:
        located = self._by_control(expected)
        if located is None:
            located = (self._by_heading(expected), "heading")
        blocks, found_by = located
        cleaned = clean(blocks or [], expected.field.placeholder, self.media, self.facts)
        if cleaned.dropped:
            self.dropped[expected.alias] = cleaned.dropped
        empty = not cleaned.text.strip()  # nothing but whitespace: normalised(text) == ""
        return ExtractedAnswer(
            measure_key=expected.key,
            field_id=expected.field.id,
            text="" if empty else cleaned.text,
            xml="" if empty else cleaned.xml(),
            empty=empty,
            found_by=found_by,
        )

    def _by_control(self, expected: _Expected) -> tuple[list[etree._Element], str] | None:
        for route, table, key in (
            ("tag", self.index.by_tag, expected.tag),
            ("alias", self.index.by_alias, expected.alias),
        ):
            controls = table.get(key, [])
            if controls:
                if len(controls) > 1:
                    self.duplicated.append(expected.alias)
                return self.index.control_blocks(controls[0]), route
        return None

    def _by_heading(self, expected: _Expected) -> list[etree._Element] | None:
        """The text under the field's label; None (and noted) when even that is gone."""
        if expected.assignment is None:
            label = self.index.find_label(expected.field.label)
            blocks = None if label is None else self.index.after(label)
        else:
            blocks = self._under_measure(expected, expected.assignment)
        (self.missing if blocks is None else self.by_heading).append(expected.alias)
        return blocks

    def _under_measure(self, expected: _Expected, assignment: Assignment) -> list[etree._Element] | None:
        heading = self.index.find_measure_heading(assignment.report.title, assignment.measure.number)
        if heading is None:
            return None
        section = self.index.section(heading)
        label = self.index.find_label(expected.field.label, section)
        if label is not None:
            return self.index.after(label)
        if any(self.index.find_label(f.label, section) is not None for f in self.definition.fields.word):
            return None
        if expected.field != _catch_all(self.definition):
            return []
        return self._unlabelled(section, assignment)

    def _unlabelled(self, section: range, assignment: Assignment) -> list[etree._Element]:
        """All labels deleted: everything typed under the heading except the template's text."""
        template = {
            normalised(assignment.measure.description),
            normalised(responsibility_line(assignment, self.definition.vocabulary)),
        }
        return [self.index.blocks[i] for i in section if self.index.texts[i] not in template]

    def warnings(self, expected: list[_Expected]) -> list[str]:
        name, found = self.name, []
        if self.missing:
            found.append(
                f"{name}: svarsfälten {_listed(self.missing)} hittades inte (varken innehållskontroll "
                "eller rubrik); de räknas som obesvarade."
            )
        if self.by_heading:
            found.append(
                f"{name}: innehållskontrollerna för {_listed(self.by_heading)} saknas; svaren lästes "
                "från texten under respektive rubrik. Kontrollera att de blev rätt."
            )
        if self.duplicated:
            found.append(
                f"{name}: svarsfälten {_listed(self.duplicated)} finns mer än en gång; "
                "bara det första lästes."
            )
        for alias, kinds in self.dropped.items():
            found.append(f"{name}: {' och '.join(sorted(kinds))} i svaret '{alias}' tas inte med.")
        foreign = sorted(set(self.index.by_tag) - {e.tag for e in expected})
        foreign = [tag for tag in foreign if self.index.is_answer_control(self.index.by_tag[tag][0])]
        if foreign:
            found.append(
                f"{name}: filen innehåller svarsfält som inte hör till mottagarens åtgärder "
                f"({', '.join(foreign)}); de lästes inte. Har fel mall använts?"
            )
        return found


def _catch_all(definition: RoundDefinition) -> WordField:
    """The field that gets an åtgärd's text when all its labels were deleted."""
    fields = definition.fields.word
    return next((f for f in fields if f.required), fields[-1])


def _listed(aliases: list[str]) -> str:
    return ", ".join(f"'{alias}'" for alias in aliases)
