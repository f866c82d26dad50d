"""Formatting the respondent's own styles give, turned into direct formatting.

The annex keeps none of a respondent's styles (their fonts and sizes would leak into it),
so italic or bold that a character style such as "Citat tecken" gives, or that a
paragraph style gives its text, would vanish. Here the style's bold, italic, underline,
strike-through, caps and super-/subscript (through its basedOn chain) are written onto
each run that does not set them itself. The styles part is parsed only for answers that
use a style remiss does not know (see passes.BodyFacts).
"""

from __future__ import annotations

import copy

from lxml import etree

from remiss.documents.ooxml import w

_VAL = w("val")
_FORMATTING = tuple(w(tag) for tag in ("b", "i", "caps", "smallCaps", "strike", "dstrike", "u", "vertAlign"))
# rPr's children in schema order (Word refuses a run whose properties are out of order).
_RPR_SEQUENCE = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
    "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
_RPR_ORDER = {w(tag): n for n, tag in enumerate(_RPR_SEQUENCE.split(" "))}
_KNOWN = ("normal", "heading", "rubrik", "listbullet", "listnumber", "punktlista", "numreradlista")
_KNOWN_IDS = frozenset(
    {
        "Strong",
        "Emphasis",
        "Hyperlink",
        "DefaultParagraphFont",
        "FootnoteReference",
        "EndnoteReference",
        "FootnoteText",
        "EndnoteText",
    }
)


def needs_resolving(style_id: str) -> bool:
    """Whether a style may give formatting the annex would lose (not ours, not a list or heading)."""
    return bool(style_id) and style_id not in _KNOWN_IDS and not style_id.lower().startswith(_KNOWN)


class StyleResolver:
    """The respondent's styles.xml, asked for what a style gives: formatting, numbering."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, etree._Element] = {}
        self._formatting: dict[str, dict[str, etree._Element]] = {}
        if root is not None:
            for style in root.iterchildren(w("style")):
                self._styles.setdefault(style.get(w("styleId"), ""), style)

    def _chain(self, style_id: str) -> list[etree._Element]:
        """The style and its ancestors, nearest first (a loop in basedOn ends the chain)."""
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            chain.append(style)
            based = style.find(w("basedOn"))
            style_id = based.get(_VAL, "") if based is not None else ""
        return chain

    def formatting(self, style_id: str) -> dict[str, etree._Element]:
        """The formatting elements (b, i, u…) the style gives, by tag."""
        found = self._formatting.get(style_id)
        if found is None:
            found = {}
            for style in reversed(self._chain(style_id)):
                properties = style.find(w("rPr"))
                if properties is not None:
                    found.update({child.tag: child for child in properties if child.tag in _FORMATTING})
            self._formatting[style_id] = found
        return found

    def numbering(self, style_id: str) -> tuple[str, int] | None:
        """(numId, level) a paragraph style gives its paragraphs, through basedOn."""
        num_id = level = None
        for style in self._chain(style_id):
            numpr = style.find(f"{w('pPr')}/{w('numPr')}")
            if numpr is None:
                continue
            found_id, found_level = numpr.find(w("numId")), numpr.find(w("ilvl"))
            if num_id is None and found_id is not None:
                num_id = found_id.get(_VAL)
            if level is None and found_level is not None and found_level.get(_VAL, "").isdigit():
                level = int(found_level.get(_VAL, "0"))
        return None if num_id is None else (num_id, level or 0)


def resolve_styles(holder: etree._Element, styles: StyleResolver) -> None:
    """Write what paragraph and character styles give onto the runs, as direct formatting."""
    for p in holder.iter(w("p")):
        style = p.find(f"{w('pPr')}/{w('pStyle')}")
        style_id = style.get(_VAL, "") if style is not None else ""
        given = styles.formatting(style_id) if needs_resolving(style_id) else {}
        for run in p.iter(w("r")):
            properties = run.find(w("rPr"))
            run_style = properties.find(w("rStyle")) if properties is not None else None
            run_style_id = run_style.get(_VAL, "") if run_style is not None else ""
            own = styles.formatting(run_style_id) if needs_resolving(run_style_id) else {}
            if given or own:
                _apply(run, {**given, **own})


def _apply(run: etree._Element, formatting: dict[str, etree._Element]) -> None:
    properties = run.find(w("rPr"))
    if properties is None:
        properties = etree.Element(w("rPr"))
        run.insert(0, properties)
    present = {child.tag for child in properties}
    for tag, element in formatting.items():
        if tag not in present:
            insert_ordered(properties, copy.copy(element))


def insert_ordered(properties: etree._Element, element: etree._Element) -> None:
    """Insert a run property where the schema wants it."""
    rank = _RPR_ORDER.get(element.tag, len(_RPR_ORDER))
    for position, child in enumerate(properties):
        if _RPR_ORDER.get(child.tag, len(_RPR_ORDER)) > rank:
            properties.insert(position, element)
            return
    properties.append(element)
