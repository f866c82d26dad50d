"""Finding answer ranges in a returned document body, whatever the editor did to it.

The body is flattened into its sequence of paragraphs and tables, looking through
block-level content controls (Google Docs wraps everything in its own), and each block
remembers which answer control it belongs to. An answer's range then starts at its
control (or at its label under the åtgärd's heading) and runs until the next label,
heading or other answer control: that is what recovers the paragraphs LibreOffice moves
out of a control when it turns it into an inline one.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict

from lxml import etree

from remiss.documents.ooxml import w
from remiss.documents.word.clean import normalised, paragraph_text
from remiss.documents.word.wordml import (
    DEFAULT_WORDS,
    TAG_PREFIX,
    measure_heading_start,
    report_heading_start,
)
from remiss.domain.round import Vocabulary

# Headings that end an answer: levels 1-2 (the template's delrapport and åtgärd levels),
# by style id (English and Swedish Word) or outline level, or by the template's own
# heading text when an editor renamed the style. A respondent's Heading 3 inside an
# answer stays part of the answer.
_HEADING_STYLE = re.compile(r"^(heading|rubrik)\s?[12]$", re.IGNORECASE)


def _heading_text(words: Vocabulary) -> re.Pattern[str]:
    """'4.1.1 Åtgärd…' or 'Delrapport: …' in the round's words."""
    item, group = re.escape(words.item.title), re.escape(report_heading_start(words))
    return re.compile(rf"^(\d+(\.\d+)* {item}\b|{group})")


_DEFAULT_HEADING_TEXT = _heading_text(DEFAULT_WORDS)
# Clark names, made once: the index visits every block of every returned file.
_P, _TBL, _SDT, _SDT_CONTENT, _CUSTOM_XML = w("p"), w("tbl"), w("sdt"), w("sdtContent"), w("customXml")
_VAL, _SDT_PR, _TAG, _ALIAS = w("val"), w("sdtPr"), w("tag"), w("alias")
_P_PR, _STYLE, _OUTLINE, _T = w("pPr"), w("pStyle"), w("outlineLvl"), w("t")


def label_key(text: str) -> str:
    """How label paragraphs are compared: case, spacing and a trailing colon ignored."""
    return normalised(text).rstrip(":").strip().casefold()


class BodyIndex:
    """The body as a flat list of blocks, with their text, headings, labels and owners."""

    def __init__(
        self, body: etree._Element, labels: set[str], aliases: set[str], words: Vocabulary = DEFAULT_WORDS
    ) -> None:
        self.labels = {label_key(label) for label in labels}
        self.words = words
        self._heading_text = _DEFAULT_HEADING_TEXT if words == DEFAULT_WORDS else _heading_text(words)
        self.aliases = aliases
        self.blocks: list[etree._Element] = []
        self.owners: list[etree._Element | None] = []
        self.owned: dict[etree._Element, list[int]] = defaultdict(list)
        self.by_tag: dict[str, list[etree._Element]] = defaultdict(list)
        self.by_alias: dict[str, list[etree._Element]] = defaultdict(list)
        self._answer_controls: set[etree._Element] = set()
        self._inline: dict[etree._Element, etree._Element] = {}  # paragraph -> first answer control in it
        for sdt in body.iter(_SDT):
            self._register(sdt)
        self._flatten(body, None)
        self.texts = _Texts(self.blocks)
        self._headings: dict[int, bool] = {}
        self._position: dict[etree._Element, int] | None = None
        self._measures: dict[tuple[str | None, str], list[int]] | None = None
        self._measures_reports: set[str] = set()
        self._measure_starts: list[int] = []  # indices of every åtgärd heading, in order
        self._report_starts: set[int] = set()

    @property
    def position(self) -> dict[etree._Element, int]:
        """Each block's index in the flat list (made when first asked for)."""
        if self._position is None:
            self._position = {block: i for i, block in enumerate(self.blocks)}
        return self._position

    # --- building ----------------------------------------------------------------------

    def _register(self, sdt: etree._Element) -> None:
        tag, alias = _properties(sdt)
        if tag:
            self.by_tag[tag].append(sdt)
        if alias:
            self.by_alias[alias].append(sdt)
        if tag.startswith(TAG_PREFIX) or alias in self.aliases:
            self._answer_controls.add(sdt)
            for ancestor in sdt.iterancestors(_P):  # controls are registered in document order
                self._inline.setdefault(ancestor, sdt)

    def is_answer_control(self, sdt: etree._Element) -> bool:
        """One of ours: tagged by remiss, or (tag lost) carrying one of our aliases."""
        if sdt in self._answer_controls:
            return True
        tag, alias = _properties(sdt)
        return tag.startswith(TAG_PREFIX) or alias in self.aliases

    def _flatten(self, container: etree._Element, owner: etree._Element | None) -> None:
        for child in container:
            tag = child.tag
            if tag == _SDT:
                content = next(child.iterchildren(_SDT_CONTENT), None)
                if content is not None:
                    self._flatten(content, child if child in self._answer_controls else owner)
            elif tag == _CUSTOM_XML:
                self._flatten(child, owner)
            elif tag in (_P, _TBL):
                # Outside a control, a paragraph may hold one inline (as LibreOffice leaves a block control).
                control = owner if owner is not None or tag != _P else self._inline.get(child)
                if control is not None:
                    self.owned[control].append(len(self.blocks))
                self.blocks.append(child)
                self.owners.append(control)

    # --- classifying blocks ------------------------------------------------------------

    def is_heading(self, i: int) -> bool:
        heading = self._headings.get(i)
        if heading is None:
            heading = self._headings[i] = self._heading(i)
        return heading

    def _heading(self, i: int) -> bool:
        block = self.blocks[i]
        if block.tag != _P:
            return False
        style = _grandchild(block, _P_PR, _STYLE)
        if style is not None and _HEADING_STYLE.match(style.get(_VAL, "")):
            return True
        level = _grandchild(block, _P_PR, _OUTLINE)
        if level is not None and level.get(_VAL) in ("0", "1"):
            return True
        return bool(self._heading_text.match(self.texts[i]))

    def is_label(self, i: int, label: str | None = None) -> bool:
        key = self.texts.key(i)
        return key == label_key(label) if label is not None else key in self.labels

    def is_boundary(self, i: int) -> bool:
        """Where an answer ends: another control, a label or a heading."""
        return self.owners[i] is not None or self.is_label(i) or self.is_heading(i)

    # --- ranges ------------------------------------------------------------------------

    def control_blocks(self, sdt: etree._Element) -> list[etree._Element]:
        """The control's own blocks plus the loose blocks after it, up to the next boundary."""
        indices = self.owned.get(sdt)
        if not indices:
            return _own_content(sdt)
        return self.blocks[indices[0] : self._run_end(indices[-1] + 1)]

    def after(self, i: int) -> list[etree._Element]:
        """The blocks after block `i` up to the next boundary (an answer under its label)."""
        return self.blocks[i + 1 : self._run_end(i + 1)]

    def _run_end(self, start: int) -> int:
        end = start
        while end < len(self.blocks) and not self.is_boundary(end):
            end += 1
        return end

    def section(self, heading: int) -> range:
        """Block indices after a heading, up to the next heading."""
        end = heading + 1
        while end < len(self.blocks) and not self.is_heading(end):
            end += 1
        return range(heading + 1, end)

    def measure_heading(self, report_title: str, number: str) -> int | None:
        """find_measure_heading, from one pass over the body made when first asked for: the
        stray-text check asks for every åtgärd of a file."""
        if self._measures is None:
            self._measures = self._index_measures()
        report = normalised(report_heading_start(self.words) + report_title)
        found = self._measures.get((report if report in self._measures_reports else None, number), [])
        return found[0] if len(found) == 1 else None

    def _index_measures(self) -> dict[tuple[str | None, str], list[int]]:
        found: dict[tuple[str | None, str], list[int]] = defaultdict(list)
        report: str | None = None
        suffix = measure_heading_start("", self.words)  # " Åtgärd", in the round's words
        group = report_heading_start(self.words)  # "Delrapport: "
        report_letter = group[0]
        for i, block in enumerate(self.blocks):
            # Only a paragraph whose text starts with a digit or the report heading's letter can
            # be one of these headings: the first text node says so without reading the rest.
            first = next(block.iter(_T), None) if block.tag == _P else None
            start = (first.text or "").lstrip()[:1] if first is not None else ""
            if not (start.isdigit() or start == report_letter):
                continue
            text = self.texts[i]
            if text.startswith(group):
                self._report_starts.add(i)
                report = text if text not in self._measures_reports else None  # first one counts
                self._measures_reports.add(text)
                continue
            number = text.partition(" ")[0]
            if number and number[0].isdigit() and _starts_word(text, f"{number}{suffix}"):
                found[(None, number)].append(i)
                self._measure_starts.append(i)
                if report is not None:
                    found[(report, number)].append(i)
        return found

    def measure_section(self, heading: int) -> range:
        """Block indices after an åtgärd's heading up to the next åtgärd's or delrapport's."""
        following = bisect.bisect_right(self._measure_starts, heading)
        end = self._measure_starts[following] if following < len(self._measure_starts) else len(self.blocks)
        for i in range(heading + 1, end):
            if i in self._report_starts:
                return range(heading + 1, i)
        return range(heading + 1, end)

    def find_measure_heading(self, report_title: str, number: str) -> int | None:
        """The åtgärd's heading, looked for under its delrapport's heading when that is there."""
        start = measure_heading_start(number, self.words)
        report = report_heading_start(self.words) + report_title
        scope, report = range(len(self.blocks)), normalised(report)
        report_at = next((i for i in scope if self.texts[i] == report), None)
        if report_at is not None:
            scope = self._report_scope(report_at)
        found = [i for i in scope if _starts_word(self.texts[i], start)]
        return found[0] if len(found) == 1 else None

    def _report_scope(self, report_at: int) -> range:
        end = report_at + 1
        group = report_heading_start(self.words)
        while end < len(self.blocks) and not self.texts[end].startswith(group):
            end += 1
        return range(report_at + 1, end)

    def find_label(self, label: str, scope: range | None = None) -> int | None:
        scope = scope if scope is not None else range(len(self.blocks))
        key = label_key(label)
        return next((i for i in scope if self.blocks[i].tag == _P and self.texts.key(i) == key), None)


def _starts_word(text: str, start: str) -> bool:
    """'4.1.1 Åtgärd: …' starts with '4.1.1 Åtgärd'; '4.1.10 Åtgärd' does not."""
    return text.startswith(start) and (len(text) == len(start) or not text[len(start)].isalnum())


def _properties(sdt: etree._Element) -> tuple[str, str]:
    """The control's tag and alias: the first w:sdtPr/w:tag/@w:val and w:sdtPr/w:alias/@w:val."""
    tag = alias = None
    for properties in sdt:
        if properties.tag == _SDT_PR:
            for element in properties:
                name = element.tag
                if name == _TAG:
                    tag = element.get(_VAL, "") if tag is None else tag
                elif name == _ALIAS and alias is None:
                    alias = element.get(_VAL, "")
                if tag is not None and alias is not None:  # the rest cannot change them
                    return tag, alias
    return tag or "", alias or ""


def _grandchild(element: etree._Element, child: str, grandchild: str) -> etree._Element | None:
    """element.find("child/grandchild"), without ElementPath's overhead (the index asks often)."""
    for middle in element.iterchildren(child):
        for found in middle.iterchildren(grandchild):
            return found
    return None


class _Texts:
    """Each block's normalised text (tables have none) and label key, worked out when first
    asked for: finding an answer by its control reads only the few blocks around it."""

    def __init__(self, blocks: list[etree._Element]) -> None:
        self._blocks = blocks
        self._texts: list[str | None] = [None] * len(blocks)
        self._keys: dict[int, str] = {}

    def __getitem__(self, i: int) -> str:
        text = self._texts[i]
        if text is None:
            block = self._blocks[i]
            text = self._texts[i] = normalised(paragraph_text(block)) if block.tag == _P else ""
        return text

    def __len__(self) -> int:
        return len(self._blocks)

    def key(self, i: int) -> str:
        """label_key(self[i]); the text is normalised already."""
        key = self._keys.get(i)
        if key is None:
            key = self._keys[i] = self[i].rstrip(":").strip().casefold()
        return key


def _own_content(sdt: etree._Element) -> list[etree._Element]:
    """A control outside the flat list (in a table cell): its paragraph, or its content."""
    parent = sdt.getparent()
    while parent is not None and parent.tag not in (w("p"), w("tc"), w("body")):
        parent = parent.getparent()
    if parent is not None and parent.tag == w("p"):
        return [parent]
    content = sdt.find(w("sdtContent"))
    return [] if content is None else list(content)
