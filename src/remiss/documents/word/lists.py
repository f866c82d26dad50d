"""Carrying an answer's numbered lists with their definitions, as pictures are carried.

A list made with Word's numbering button is a paragraph property (`w:numPr`: a list
instance and a level) pointing into the respondent's numbering.xml, which the fragment
does not travel with. So each list the answer uses is written into the fragment as

    <rm:list rm:id="1"> nine <w:lvl> </rm:list>

(after the blocks), each level with its format (decimal, letters, roman, bullet), level
text ("%1.%2.", "(%1)"), start value (a `lvlOverride/startOverride` folded in) and
indentation, and the paragraphs' numId is rewritten to that rm:id. Paragraphs that share
a counter in Word share one rm:list: Word counts per abstract definition, so instances of
one definition continue one another, and an instance with a startOverride restarts that
count where it is first used (later paragraphs of any instance continue from there). The
annex writes one numbering instance per rm:list (annex.blocks.ListNumbering).
"""

from __future__ import annotations

import re

from lxml import etree

from remiss.documents.ooxml import W, w
from remiss.documents.word.media import RM, PackageMedia, xml_safe
from remiss.documents.word.styled import StyleResolver, needs_resolving

RM_LIST = f"{{{RM}}}list"
RM_ID = f"{{{RM}}}id"
LEVELS = 9
_VAL, _ILVL_ATTR = w("val"), w("ilvl")
_P_PR, _NUM_PR, _ILVL, _NUM_ID, _P_STYLE = w("pPr"), w("numPr"), w("ilvl"), w("numId"), w("pStyle")
_LVL, _START = w("lvl"), w("start")
_LEVEL_KEEP = frozenset(
    w(tag) for tag in ("start", "numFmt", "lvlRestart", "isLgl", "suff", "lvlText", "lvlJc", "pPr", "rPr")
)
_FONT_ATTRIBUTES = frozenset(w(name) for name in ("ascii", "hAnsi", "cs", "eastAsia", "hint"))
_LABEL_TOGGLES = frozenset(w(tag) for tag in ("b", "bCs", "i", "iCs"))
_TOGGLE_VALUES = frozenset({"0", "1", "true", "false", "on", "off"})
_INTEGER = re.compile(r"-?\d{1,7}")
_INDENTS = ("start", "left", "end", "right", "hanging", "firstLine")
_SUFFIXES = frozenset({"tab", "space", "nothing"})
_ALIGNMENTS = frozenset({"left", "center", "right", "start", "end"})
_FORMATS = frozenset(
    [
        "decimal",
        "upperRoman",
        "lowerRoman",
        "upperLetter",
        "lowerLetter",
        "ordinal",
        "cardinalText",
        "ordinalText",
        "hex",
        "decimalZero",
        "decimalEnclosedCircle",
        "decimalEnclosedFullstop",
        "decimalEnclosedParen",
        "decimalFullWidth",
        "decimalHalfWidth",
        "bullet",
        "none",
        "chicago",
    ]
)


class _Numbering:
    """The respondent's numbering.xml, indexed: instances and abstract definitions."""

    def __init__(self, root: etree._Element | None) -> None:
        self.nums: dict[str, etree._Element] = {}
        self.abstracts: dict[str, etree._Element] = {}
        if root is None:
            return
        for num in root.iterchildren(w("num")):
            self.nums.setdefault(num.get(w("numId"), ""), num)
        for abstract in root.iterchildren(w("abstractNum")):
            self.abstracts.setdefault(abstract.get(w("abstractNumId"), ""), abstract)

    def abstract_of(
        self, num: etree._Element, styles: StyleResolver | None
    ) -> tuple[str, etree._Element] | None:
        """The abstract definition an instance uses, following a numbering style link once."""
        ref = num.find(w("abstractNumId"))
        abstract_id = ref.get(_VAL, "") if ref is not None else ""
        abstract = self.abstracts.get(abstract_id)
        link = abstract.find(w("numStyleLink")) if abstract is not None else None
        if link is not None and styles is not None:
            linked = styles.numbering(link.get(_VAL, ""))
            target = self.nums.get(linked[0]) if linked else None
            ref = target.find(w("abstractNumId")) if target is not None else None
            if ref is not None and ref.get(_VAL, "") in self.abstracts:
                abstract_id = ref.get(_VAL, "")
                abstract = self.abstracts[abstract_id]
        return None if abstract is None else (abstract_id, abstract)


class ListCarrier:
    """Rewrites one answer's list paragraphs in place; the rm:list elements they now use."""

    def __init__(self, media: PackageMedia, styles: StyleResolver | None) -> None:
        self._media = media
        self._numbering: _Numbering | None = None  # numbering.xml, parsed when a list is met
        self._styles = styles
        self._carried: dict[str, etree._Element] = {}  # counter key -> rm:list
        self._counting: dict[str, str] = {}  # abstract id -> the counter key now counting
        self._restarted: set[str] = set()  # instances whose startOverride has been applied

    def carry(self, holder: etree._Element) -> list[etree._Element]:
        for properties in list(holder.iter(_P_PR)):
            if properties.find(_NUM_PR) is not None or (
                self._styles is not None and properties.find(_P_STYLE) is not None
            ):
                self._paragraph(properties)
        return list(self._carried.values())

    @property
    def numbering(self) -> _Numbering:
        if self._numbering is None:
            self._numbering = _Numbering(self._media.part("numbering"))
        return self._numbering

    def _paragraph(self, properties: etree._Element) -> None:
        numpr = properties.find(_NUM_PR)
        num_id, level = _own_numbering(numpr)
        style = properties.find(_P_STYLE)
        style_id = style.get(_VAL, "") if style is not None else ""
        if (num_id is None or level is None) and needs_resolving(style_id) and self._styles is not None:
            by_style = self._styles.numbering(style_id)
            if by_style is not None:
                num_id = num_id if num_id is not None else by_style[0]
                level = level if level is not None else by_style[1]
        if num_id is None or num_id == "0":
            return
        carried = self._list(num_id)
        if carried is None:
            return
        if numpr is None:
            numpr = etree.SubElement(properties, _NUM_PR)
            if style is not None:  # schema order: pStyle, keepNext, …, numPr
                style.addnext(numpr)
        numpr.clear()
        etree.SubElement(numpr, _ILVL).set(_VAL, str(min(max(level or 0, 0), LEVELS - 1)))
        etree.SubElement(numpr, _NUM_ID).set(_VAL, carried.get(RM_ID, ""))

    def _list(self, num_id: str) -> etree._Element | None:
        num = self.numbering.nums.get(num_id)
        if num is None:
            return None
        found = self.numbering.abstract_of(num, self._styles)
        if found is None:
            return None
        abstract_id, abstract = found
        overrides = list(num.iterchildren(w("lvlOverride")))
        restarts = any(o.find(w("startOverride")) is not None for o in overrides)
        if restarts and num_id not in self._restarted:
            self._restarted.add(num_id)
            self._counting[abstract_id] = f"{abstract_id}:{num_id}"
        key = self._counting.setdefault(abstract_id, f"{abstract_id}:")
        if key not in self._carried:
            self._carried[key] = _definition(abstract, overrides, len(self._carried) + 1)
        return self._carried[key]


def _own_numbering(numpr: etree._Element | None) -> tuple[str | None, int | None]:
    if numpr is None:
        return None, None
    num_id = numpr.find(_NUM_ID)
    level = numpr.find(_ILVL)
    value = level.get(_VAL, "") if level is not None else ""
    return (
        num_id.get(_VAL) if num_id is not None else None,
        int(value) if value.isdigit() else None,
    )


def _definition(abstract: etree._Element, overrides: list[etree._Element], number: int) -> etree._Element:
    """rm:list with all nine levels: the abstract's, replaced or restarted by the instance's overrides."""
    levels: dict[int, etree._Element] = {}
    for lvl in abstract.iterchildren(_LVL):
        index = _level_index(lvl)
        if index is not None:
            levels.setdefault(index, lvl)
    starts: dict[int, str] = {}
    for override in overrides:
        index = _level_index(override)
        if index is None:
            continue
        replaced = override.find(_LVL)
        if replaced is not None:
            levels[index] = replaced
        start = override.find(w("startOverride"))
        if start is not None and start.get(_VAL, "").isdigit():
            starts[index] = start.get(_VAL, "")
    carried = etree.Element(RM_LIST, nsmap={"rm": RM})
    carried.set(RM_ID, str(number))
    for index in range(LEVELS):
        source = levels.get(index)
        level = clean_level(source, index) if source is not None else default_level(index)
        if index in starts:
            _set_start(level, starts[index])
        carried.append(level)
    return carried


def _level_index(element: etree._Element) -> int | None:
    value = element.get(_ILVL_ATTR, "")
    return int(value) if value.isdigit() and int(value) < LEVELS else None


def clean_level(source: etree._Element, index: int) -> etree._Element:
    """The level rebuilt from checked values, in schema order: format, level text, start,
    restart, suffix, alignment, indentation and the label's font, bold and italic. Nothing
    else (paragraph style links, picture bullets, legacy settings) and no value Word would
    refuse: a list definition in the annex is shared by every page of it."""
    values = {child.tag: child for child in source if child.tag in _LEVEL_KEEP}
    level = etree.Element(_LVL, nsmap={"w": W})
    level.set(_ILVL_ATTR, str(index))

    def value(tag: str) -> str:
        element = values.get(w(tag))
        return element.get(_VAL, "") if element is not None else ""

    start = value("start")
    etree.SubElement(level, _START).set(_VAL, start if _INTEGER.fullmatch(start) else "1")
    fmt = value("numFmt")
    etree.SubElement(level, w("numFmt")).set(_VAL, fmt if fmt in _FORMATS else "decimal")
    restart = value("lvlRestart")
    if _INTEGER.fullmatch(restart):
        etree.SubElement(level, w("lvlRestart")).set(_VAL, restart)
    if w("isLgl") in values and value("isLgl") not in ("0", "false"):
        etree.SubElement(level, w("isLgl"))
    if value("suff") in _SUFFIXES:
        etree.SubElement(level, w("suff")).set(_VAL, value("suff"))
    text = xml_safe(value("lvlText"))[:64] if w("lvlText") in values else f"%{index + 1}."
    etree.SubElement(level, w("lvlText")).set(_VAL, text)
    etree.SubElement(level, w("lvlJc")).set(_VAL, value("lvlJc") if value("lvlJc") in _ALIGNMENTS else "left")
    indent = values.get(w("pPr"))
    indent = indent.find(w("ind")) if indent is not None else None
    if indent is not None:
        kept = {name: indent.get(w(name), "") for name in _INDENTS}
        kept = {w(name): number for name, number in kept.items() if _INTEGER.fullmatch(number)}
        if kept:
            etree.SubElement(etree.SubElement(level, w("pPr")), w("ind"), kept)
    label = values.get(w("rPr"))
    if label is not None:
        properties = etree.Element(w("rPr"))
        for child in label:
            if child.tag == w("rFonts"):
                fonts = {a: xml_safe(v)[:64] for a, v in child.attrib.items() if a in _FONT_ATTRIBUTES}
                if fonts.get(w("hint"), "default") not in ("default", "eastAsia", "cs"):
                    del fonts[w("hint")]
                etree.SubElement(properties, w("rFonts"), fonts)
            elif child.tag in _LABEL_TOGGLES and child.get(_VAL, "true") in _TOGGLE_VALUES:
                etree.SubElement(properties, child.tag, {_VAL: child.get(_VAL)} if child.get(_VAL) else {})
        if len(properties):
            level.append(properties)
    return level


def _set_start(level: etree._Element, value: str) -> None:
    start = level.find(_START)
    if start is None:
        start = etree.Element(_START)
        level.insert(0, start)
    start.set(_VAL, value)


def default_level(index: int) -> etree._Element:
    """A level the source did not define: decimal, as Word's default outline would be."""
    return etree.fromstring(
        f'<w:lvl xmlns:w="{W}" w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        f'<w:lvlText w:val="%{index + 1}."/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (index + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
    )
