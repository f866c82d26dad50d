"""Reading the answers out of a returned Word response, whichever editor saved it.

Each expected field is looked for by its control's tag, then by its alias (LibreOffice
7.4 drops tags), then by position: the text under its label below the åtgärd's heading
(someone deleted the controls, or pasted the text outside them). Parsing is lxml over
the raw part, because python-docx cannot see inside block-level content controls.
"""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass

from lxml import etree

from remiss.documents.model import GENERAL, Extracted, ExtractedAnswer
from remiss.documents.ooxml import W, w
from remiss.documents.package import open_package, read_member
from remiss.documents.word.clean import clean, normalised
from remiss.documents.word.locate import BodyIndex, label_key
from remiss.documents.word.media import PackageMedia
from remiss.documents.word.passes import BodyFacts
from remiss.documents.word.template import responsibility_line
from remiss.documents.word.wordml import field_alias, field_tag, general_alias, repeated_numbers
from remiss.documents.xmlsafe import parse_untrusted
from remiss.domain.round import Assignment, RoundDefinition, WordField
from remiss.errors import RejectedFile

DOCUMENT_PART = "word/document.xml"
_T = w("t")


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
        located = [reader.locate(e) for e in expected]
        reader.add_stray(expected, located)
        extracted = Extracted(
            answers=[reader.answer(e, *found) for e, found in zip(expected, located, strict=True)]
        )
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
    _check_nesting(body, name)
    return body, source


MAX_TABLE_DEPTH = 5  # a table in a table in a table …: no answer needs more, and LibreOffice hangs on 80
MAX_LIST_LEVEL = 9  # Word offers nine list levels (ilvl 0–8)
_TOO_DEEP_TABLE = etree.XPath(
    f"boolean(.//w:tbl[count(ancestor::w:tbl) >= {MAX_TABLE_DEPTH}])", namespaces={"w": W}
)
_TOO_DEEP_LIST = etree.XPath(f"boolean(.//w:numPr/w:ilvl[@w:val >= {MAX_LIST_LEVEL}])", namespaces={"w": W})


def _check_nesting(body: etree._Element, name: str) -> None:
    """Refuse nesting no answer needs (and that makes LibreOffice hang when the annex is made)."""
    if _TOO_DEEP_TABLE(body):
        raise RejectedFile(
            f"{name} har tabeller inbäddade i varandra i fler än {MAX_TABLE_DEPTH} nivåer, vilket inget svar "
            "behöver. Skriv svaret med enklare tabeller och skicka filen igen.",
            code="too-deep",
        )
    if _TOO_DEEP_LIST(body):
        raise RejectedFile(
            f"{name} har punktlistor i fler än {MAX_LIST_LEVEL} nivåer, vilket inget svar behöver. "
            "Förenkla listorna och skicka filen igen.",
            code="too-deep",
        )


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
        self.marked: set[str] = set()  # answers where a line marks what could not be kept
        self.stray: list[str] = []  # fields that got text typed outside every field

    def locate(self, expected: _Expected) -> tuple[list[etree._Element], str]:
        """The field's blocks (by control, else by heading) and the route that found them."""
        located = self._by_control(expected)
        if located is None:
            blocks = self._by_heading(expected)
            located = (blocks or [], "heading")
        return located

    def add_stray(self, expected: list[_Expected], located: list[tuple[list[etree._Element], str]]) -> None:
        """Text typed in an åtgärd's section outside every answer (beside a grey field left
        alone, or the plain half of a field LibreOffice split) joins the field whose label it
        follows, else the åtgärd's first field; each such field is named in a warning."""
        covered = {block for blocks, _route in located for block in blocks}
        fields: dict[str, list[int]] = {}
        for n, found in enumerate(expected):
            if found.assignment is not None:
                fields.setdefault(found.key, []).append(n)
        for numbers in fields.values():
            assignment = expected[numbers[0]].assignment
            assert assignment is not None
            for n, stray in self._stray(assignment, [expected[k] for k in numbers], covered).items():
                target = numbers[n]
                blocks, route = located[target]
                order = self.index.position
                located[target] = (sorted([*blocks, *stray], key=order.__getitem__), route)
                self.stray.append(expected[target].alias)

    def _stray(
        self, assignment: Assignment, expected: list[_Expected], covered: set[etree._Element]
    ) -> dict[int, list[etree._Element]]:
        heading = self.index.measure_heading(assignment.report.title, assignment.measure.number)
        if heading is None:
            return {}
        blocks, owners = self.index.blocks, self.index.owners
        loose = [
            i for i in self.index.measure_section(heading) if owners[i] is None and blocks[i] not in covered
        ]
        # The template's own loose blocks are its description, responsibility line and one
        # label per field. Their number says nothing: an official who typed over the
        # description leaves as many loose blocks as the template wrote, one of them an
        # answer. So every loose block's text is compared with the template's own texts,
        # first as the template wrote them (what nearly every section holds), then normalised.
        own = _template_texts(
            assignment.measure.description,
            responsibility_line(assignment, self.definition),
            tuple(e.field.placeholder for e in expected),
            tuple(e.field.label for e in expected),
        )
        found: dict[int, list[etree._Element]] = {}
        target = 0
        for i in loose:
            block = blocks[i]
            raw = "".join(block.itertext(_T))  # the text nodes only: quick, and enough here
            label = own.labels.get(raw)
            if label is None and raw not in own.written:
                text = normalised(raw)
                if not text or text in own.texts:
                    continue
                label = own.labels.get(label_key(text))
                if label is None:
                    found.setdefault(target, []).append(block)
                    continue
            if label is not None:
                target = label
        return found

    def answer(self, expected: _Expected, blocks: list[etree._Element], found_by: str) -> ExtractedAnswer:
        cleaned = clean(blocks, expected.field.placeholder, self.media, self.facts)
        if cleaned.dropped:
            self.dropped[expected.alias] = cleaned.dropped
        if cleaned.marked:
            self.marked.add(expected.alias)
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
            normalised(responsibility_line(assignment, self.definition)),
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
        if self.stray:
            found.append(
                f"{name}: text som stod under rubriken men utanför svarsfälten lästes som svaren "
                f"{_listed(self.stray)}. Kontrollera att de blev rätt."
            )
        if self.duplicated:
            found.append(
                f"{name}: svarsfälten {_listed(self.duplicated)} finns mer än en gång; "
                "bara det första lästes."
            )
        for alias, kinds in self.dropped.items():
            marked = " En rad i svaret visar var det stod." if alias in self.marked else ""
            found.append(f"{name}: {' och '.join(sorted(kinds))} i svaret '{alias}' tas inte med.{marked}")
        foreign = sorted(set(self.index.by_tag) - {e.tag for e in expected})
        foreign = [tag for tag in foreign if self.index.is_answer_control(self.index.by_tag[tag][0])]
        if foreign:
            found.append(
                f"{name}: filen innehåller svarsfält som inte hör till mottagarens "
                f"{self.definition.vocabulary.item.many} "
                f"({', '.join(foreign)}); de lästes inte. Har fel mall använts?"
            )
        return found


@dataclass(frozen=True)
class _TemplateTexts:
    """What the template itself writes in an åtgärd's section, outside the fields."""

    written: frozenset[str]  # as written: description, role line, placeholders, labels
    texts: frozenset[str]  # the same normalised (labels excepted)
    labels: dict[str, int]  # a label, as written and as label_key, -> its field's position


@functools.lru_cache(maxsize=1024)
def _template_texts(
    description: str, role_line: str, placeholders: tuple[str, ...], labels: tuple[str, ...]
) -> _TemplateTexts:
    own = (description, role_line, *placeholders)
    by_label = {label_key(label): n for n, label in enumerate(labels)}
    by_label.update({label: n for n, label in enumerate(labels)})
    return _TemplateTexts(frozenset((*own, *labels)), frozenset(normalised(text) for text in own), by_label)


def _catch_all(definition: RoundDefinition) -> WordField:
    """The field that gets an åtgärd's text when all its labels were deleted."""
    fields = definition.fields.word
    return next((f for f in fields if f.required), fields[-1])


def _listed(aliases: list[str]) -> str:
    return ", ".join(f"'{alias}'" for alias in aliases)
