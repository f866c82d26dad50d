"""An answer as the compiled workbook shows it: plain text that still reads like the answer.

The text stored at intake is each paragraph's words, one per line, which loses what a
reader needs in a cell: list items their numbers and bullets ("1.", "a)", "•"), a table
its rows (each cell became a line of its own). Here the stored fragment is read again:
numbered items are counted as Word counts them (per carried list, its levels' formats and
starts; the annex's own numbered style once per answer), a table row is one line with its
cells joined by " | ", and notes follow as "[1] …", as in the stored text.
"""

from __future__ import annotations

from lxml import etree

from remiss.documents.annex.blocks import list_kind, list_level
from remiss.documents.ooxml import w
from remiss.documents.word.clean import paragraph_text
from remiss.documents.word.lists import RM_ID as RM_LIST_ID
from remiss.documents.word.lists import RM_LIST
from remiss.documents.word.notes import RM_ID, RM_NOTE
from remiss.documents.xmlsafe import parse_untrusted

P, TBL, TR, TC, SDT_CONTENT = w("p"), w("tbl"), w("tr"), w("tc"), w("sdtContent")
PPR, PSTYLE, NUMPR, NUMID, ILVL, VAL = w("pPr"), w("pStyle"), w("numPr"), w("numId"), w("ilvl"), w("val")
LVL, START, NUMFMT, LVLTEXT = w("lvl"), w("start"), w("numFmt"), w("lvlText")
BULLET = "•"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def answer_text(xml: str) -> str:
    """The answer's lines: list items with their labels, table rows as 'a | b', notes last."""
    root = parse_untrusted(xml.encode("utf-8"), "svaret")
    lists = {el.get(RM_LIST_ID): el for el in root.iter(RM_LIST)}
    lines: list[str] = []
    _Lines(lists, lines).blocks(root)
    for note in root.iter(RM_NOTE):
        texts = [paragraph_text(p) for p in note.iter(P)]
        lines.append(f"[{note.get(RM_ID)}] {' '.join(t for t in texts if t.strip())}")
    return "\n".join(lines)


class _Lines:
    def __init__(self, lists: dict[str | None, etree._Element], lines: list[str]) -> None:
        self.lists, self.lines = lists, lines
        self.counters: dict[str, list[int | None]] = {}  # per list: the count at each level

    def blocks(self, parent: etree._Element) -> None:
        for block in parent:
            if block.tag == P:
                self.lines.append(self.label(block) + paragraph_text(block))
            elif block.tag == TBL:
                self.lines.extend(_rows(block))
            elif block.tag not in (RM_LIST, RM_NOTE) and isinstance(block.tag, str):
                self.blocks(block.find(SDT_CONTENT) if block.find(SDT_CONTENT) is not None else block)

    def label(self, p: etree._Element) -> str:
        ppr = p.find(PPR)
        style = ppr.find(PSTYLE) if ppr is not None else None
        numpr = ppr.find(NUMPR) if ppr is not None else None
        style_id = style.get(VAL, "") if style is not None else ""
        num_id = numpr.find(NUMID) if numpr is not None else None
        definition = self.lists.get(num_id.get(VAL)) if num_id is not None else None
        if definition is not None:
            ilvl = numpr.find(ILVL) if numpr is not None else None
            level = int(ilvl.get(VAL, "0")) if ilvl is not None and ilvl.get(VAL, "").isdigit() else 0
            return self.carried(str(num_id.get(VAL)), definition, min(level, 8))
        kind = list_kind(style_id, numpr)
        if kind is None:
            return ""
        level = list_level(style_id, numpr)
        indent = "  " * level
        if kind == "bullet":
            return f"{indent}{BULLET} "
        return f"{indent}{self.count('style', level, 1)}. "

    def carried(self, key: str, definition: etree._Element, level: int) -> str:
        levels = {lvl.get(ILVL): lvl for lvl in definition.iter(LVL)}
        lvl = levels.get(str(level))
        fmt = _val(lvl, NUMFMT, "decimal")
        indent = "  " * level
        if fmt == "bullet":
            self.count(key, level, 1)
            return f"{indent}{BULLET} "
        self.count(key, level, _start(lvl))
        text = _val(lvl, LVLTEXT, f"%{level + 1}.")
        counts = self.counters[key]
        for index in range(level, -1, -1):  # "%1.%2." names the counts of this level and those above
            placeholder = f"%{index + 1}"
            if placeholder in text:
                value = counts[index] if counts[index] is not None else _start(levels.get(str(index)))
                text = text.replace(
                    placeholder, _formatted(value, _val(levels.get(str(index)), NUMFMT, "decimal"))
                )
        return f"{indent}{text} " if text else indent

    def count(self, key: str, level: int, start: int) -> int:
        counts = self.counters.setdefault(key, [None] * 9)
        current = counts[level]
        counts[level] = start if current is None else current + 1
        for deeper in range(level + 1, 9):
            counts[deeper] = None
        return counts[level] or 0


def _rows(tbl: etree._Element) -> list[str]:
    rows = []
    for tr in tbl.iter(TR):
        if _owner(tr) is not tbl:
            continue  # a nested table's rows are read with their cell
        cells = []
        for tc in tr.iter(TC):
            if _owner(tc) is tbl:
                cells.append(" ".join(t for t in (paragraph_text(p) for p in tc.iter(P)) if t.strip()))
        rows.append(" | ".join(cells))
    return rows


def _owner(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != TBL:
        parent = parent.getparent()
    return parent


def _val(lvl: etree._Element | None, tag: str, default: str) -> str:
    found = lvl.find(tag) if lvl is not None else None
    return found.get(VAL, default) if found is not None else default


def _start(lvl: etree._Element | None) -> int:
    value = _val(lvl, START, "1")
    return int(value) if value.lstrip("-").isdigit() else 1


def _formatted(value: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and value > 0:
        roman, rest = "", value
        for amount, symbol in _ROMAN:
            while rest >= amount:
                roman, rest = roman + symbol, rest - amount
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "none":
        return ""
    return str(value)
