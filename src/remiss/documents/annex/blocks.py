"""Respondents' lists and tables in the annex: the annex's styles, numbering restarted per
answer, and a marked header row where one was plainly meant."""

from __future__ import annotations

from lxml import etree

from remiss.documents.annex import styles as styles
from remiss.documents.annex.media import A
from remiss.documents.ooxml import W, w
from remiss.documents.word.lists import LEVELS, clean_level, default_level
from remiss.documents.word.media import RM_IMAGE, WP

ILVL, NUMID, VAL, W_VAL_W = w("ilvl"), w("numId"), w("val"), w("w")
Element = etree._Element


class ListNumbering:
    """Hands out one restarted numbered-list instance per answer that needs one, and one
    list definition of its own (all nine levels) per list an answer carried (word.lists)."""

    def __init__(self) -> None:
        self.restarts: list[int] = []
        self.carried: list[tuple[int, int, list[Element]]] = []  # (numId, abstractNumId, levels)
        self._next = styles.NUMBER_NUM_ID + 1

    def new_instance(self) -> int:
        num_id = self._next
        self._next += 1
        self.restarts.append(num_id)
        return num_id

    def carried_list(self, definition: Element) -> int:
        """A numbering instance reproducing a carried rm:list: its levels, cleaned again."""
        levels = [clean_level(level, index) for index, level in enumerate(_levels(definition))]
        num_id = self._next
        self._next += 1
        self.carried.append((num_id, styles.CARRIED_ABSTRACT + len(self.carried), levels))
        return num_id

    def xml(self) -> bytes:
        return styles.numbering_xml(self.restarts, self.carried)


def _levels(definition: Element) -> list[Element]:
    """The nine levels by their ilvl; a missing one gets Word's default."""
    found = {level.get(w("ilvl")): level for level in definition.iterchildren(w("lvl"))}
    levels = [found.get(str(index)) for index in range(LEVELS)]
    return [default_level(index) if level is None else level for index, level in enumerate(levels)]


def list_kind(style_id: str, numpr: Element | None) -> str | None:
    """'bullet', 'number', or None: by the respondent's list style, else by a numPr of their own."""
    lower = style_id.lower()
    if lower.startswith(("listbullet", "punktlista")):
        return "bullet"
    if lower.startswith(("listnumber", "numreradlista")):
        return "number"
    num_id = numpr.find(NUMID) if numpr is not None else None
    if num_id is not None and num_id.get(VAL, "0") != "0":
        return "bullet"  # the respondent's numbering definitions are not in the fragment
    return None


def list_level(style_id: str, numpr: Element | None) -> int:
    """0–2: the respondent's ilvl, else the level in the style's name ("List Bullet 2")."""
    ilvl = numpr.find(ILVL) if numpr is not None else None
    if ilvl is not None and ilvl.get(VAL, "").isdigit():
        return min(int(ilvl.get(VAL, "0")), 2)
    suffix = style_id[-1:] if style_id[-1:].isdigit() else "1"
    return min(max(int(suffix) - 1, 0), 2)


# --- Tables ---------------------------------------------------------------------------

P, PPR = w("p"), w("pPr")
_TBLPR_DROP = frozenset({w("tblStyle"), w("tblpPr"), w("tblOverlap")})
_TRACKED = frozenset(w(tag) for tag in ("ins", "del", "cellIns", "cellDel", "cellMerge"))
_W_PREFIX = f"{{{W}}}"
_PLAIN_FILLS = frozenset({"", "auto", "FFFFFF", "ffffff"})


def table_properties(tblpr: Element) -> None:
    """Foreign table styles go; a table without borders of its own gets the annex's grid."""
    style = tblpr.find(w("tblStyle"))
    grid = style is not None and style.get(VAL) == styles.TABLE_GRID
    for child in list(tblpr):
        if child.tag in _TBLPR_DROP or not _in_w(child) or child.tag.endswith("Change"):
            tblpr.remove(child)
    if grid or tblpr.find(w("tblBorders")) is None:
        style = tblpr.makeelement(w("tblStyle"))
        style.set(VAL, styles.TABLE_GRID)
        tblpr.insert(0, style)


def fit_to_page(tbl: Element) -> None:
    """A table wider than the annex's text area (fixed column widths from a landscape page or
    a wider margin) is scaled down to it, columns in proportion, instead of running off the
    page's right edge; so is a table indented further than the margin allows."""
    grid = [col for col in tbl.iterchildren(w("tblGrid")) for col in col.iterchildren(w("gridCol"))]
    tblpr = tbl.find(w("tblPr"))
    width = tblpr.find(w("tblW")) if tblpr is not None else None
    indent = tblpr.find(w("tblInd")) if tblpr is not None else None
    if width is not None and width.get(w("type")) == "pct" and _twips(width) > 5000:
        width.set(W_VAL_W, "5000")
    fixed = _twips(width) if width is not None and width.get(w("type")) == "dxa" else 0
    widest = max(sum(_twips(col) for col in grid), fixed)
    shifted = _twips(indent) if indent is not None and indent.get(w("type"), "dxa") == "dxa" else 0
    if widest + shifted <= styles.TEXT_WIDTH:
        return
    if indent is not None and shifted:
        tblpr.remove(indent)  # the respondent's indent pushed the table past the margin
    if widest <= styles.TEXT_WIDTH:
        return
    factor = styles.TEXT_WIDTH / widest
    for element in tbl.iter(w("gridCol"), w("tcW"), w("tblW")):  # nested tables alike
        if element.tag == w("gridCol") or element.get(w("type")) == "dxa":
            element.set(W_VAL_W, str(int(_twips(element) * factor)))


def fit_pictures_to_cells(tbl: Element) -> None:
    """A picture wider than its cell is scaled down to the cell (less Word's default cell
    margins), keeping its proportions: Word would widen the column for it and push the
    table past the right margin."""
    for tc in tbl.iter(w("tc")):
        tcw = tc.find(f"{w('tcPr')}/{w('tcW')}")
        if tcw is None or tcw.get(w("type")) != "dxa" or _twips(tcw) <= _CELL_MARGINS:
            continue
        room = (_twips(tcw) - _CELL_MARGINS) * _EMU_PER_TWIP
        for extent in tc.iter(f"{{{WP}}}extent"):
            if _nearest_cell(extent) is not tc:
                continue  # a nested table's cell is measured by itself
            cx, cy = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
            if cx <= room:
                continue
            size = {"cx": str(room), "cy": str(max(cy * room // max(cx, 1), 1))}
            extent.attrib.update(size)
            drawing = extent.getparent()
            for ext in drawing.iter(f"{{{A}}}ext") if drawing is not None else ():
                ext.attrib.update(size)


def _nearest_cell(el: Element) -> Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != w("tc"):
        parent = parent.getparent()
    return parent


_CELL_MARGINS = 2 * 108  # twips: Word's default left and right cell margins
_EMU_PER_TWIP = 635


def keep_rows_whole(tbl: Element) -> None:
    """A row of short cells is not split over two pages (Word: "Tillåt att rader bryts över
    sidor" off), so a row never shows half its lines under the repeated header overleaf.
    Rows with a picture, a nested table or a long cell may still break: a row that cannot
    split and is taller than a page would be cut off."""
    for tr in tbl.iterchildren(w("tr")):
        cells = list(tr.iterchildren(w("tc")))
        if any(el.tag in _TALL for cell in cells for el in cell.iter(*_TALL)):
            continue
        if any(sum(len(t.text or "") for t in cell.iter(w("t"))) > _SHORT_CELL for cell in cells):
            continue
        trpr = tr.find(w("trPr"))
        if trpr is None:
            trpr = tr.makeelement(w("trPr"))
            tr.insert(1 if len(tr) and tr[0].tag == w("tblPrEx") else 0, trpr)
        if trpr.find(w("cantSplit")) is None:
            trpr.insert(0, trpr.makeelement(w("cantSplit")))


_TALL = (w("drawing"), w("pict"), w("object"), w("tbl"), RM_IMAGE)
_SHORT_CELL = 200  # characters: even in a 1 cm column well under a page's height


def _twips(element: Element | None) -> int:
    value = element.get(W_VAL_W, "0") if element is not None else "0"
    return int(value) if value.isdigit() else 0


def keep_plain_w(props: Element) -> None:
    """Row, cell and grid properties minus tracked changes and other vocabularies."""
    for child in list(props):
        if not _in_w(child) or child.tag.endswith("Change") or child.tag in _TRACKED:
            props.remove(child)


def add_spacer(table: Element) -> None:
    """A 6 pt gap after a table: Word has no spacing-after for tables in the text flow."""
    p = table.makeelement(P)
    table.addnext(p)
    spacing = etree.SubElement(etree.SubElement(p, PPR), w("spacing"))
    spacing.attrib.update({w("after"): "0", w("line"): "120", w("lineRule"): "exact"})


def mark_header_row(tbl: Element) -> None:
    """Mark the first row as the header row when the respondent plainly meant one — all its
    text bold, or all its cells shaded — but did not mark it (Word: "Upprepa rubrikrader").
    A header row is what a screen reader announces with every cell; tables left unmarked
    are reported by `remiss annex --check`."""
    rows = tbl.findall(w("tr"))
    if len(rows) < 2 or rows[0].find(f"{w('trPr')}/{w('tblHeader')}") is not None:
        return
    first = rows[0]
    cells = first.findall(w("tc"))
    runs = [r for r in first.iter(w("r")) if "".join(t.text or "" for t in r.iter(w("t"))).strip()]
    bold = bool(runs) and all(_is_bold(r) for r in runs)
    fills = [c.find(f"{w('tcPr')}/{w('shd')}") for c in cells]
    shaded = bool(cells) and all(f is not None and f.get(w("fill"), "") not in _PLAIN_FILLS for f in fills)
    if not (bold or shaded):
        return
    trpr = first.find(w("trPr"))
    if trpr is None:
        trpr = first.makeelement(w("trPr"))
        first.insert(1 if len(first) and first[0].tag == w("tblPrEx") else 0, trpr)
    etree.SubElement(trpr, w("tblHeader"))


def _is_bold(run: Element) -> bool:
    bold = run.find(f"{w('rPr')}/{w('b')}")
    style = run.find(f"{w('rPr')}/{w('rStyle')}")
    if style is not None and style.get(VAL) == "Strong":
        return True
    return bold is not None and bold.get(VAL, "true") not in ("0", "false")


def _in_w(el: Element) -> bool:
    return isinstance(el.tag, str) and el.tag.startswith(_W_PREFIX)
