"""Respondents' answer fragments, reduced to what the annex can carry safely.

Every context (block, paragraph, run, properties, table) has an allow-list: what is not
on it is dropped, so nothing can point at a part the annex lacks (footnotes, comments,
numbering definitions, a respondent's relationship ids) and no respondent style, font,
size or page break leaks into the compiled document. Pictures and links the reader carried
(rm:image, rm:href) get media parts and relationships of the annex's own (annex_media);
any other link, content control, smart tag, simple field or insertion is unwrapped to its
text; field codes are removed so a respondent's INCLUDETEXT or LINK field cannot fetch
anything when Word updates fields.

The tree is edited in place (remove, never re-add): moving an lxml element makes lxml
re-check the namespaces of its whole subtree, which made rebuilding children lists the
dominant cost of compiling a large annex.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from lxml import etree

from remiss.documents.annex import styles as styles
from remiss.documents.annex.blocks import (
    ListNumbering,
    add_spacer,
    fit_pictures_to_cells,
    fit_to_page,
    keep_plain_w,
    keep_rows_whole,
    list_kind,
    list_level,
    mark_header_row,
    table_properties,
)
from remiss.documents.annex.media import AnnexMedia
from remiss.documents.annex.notes import NOTE_PART, AnnexNotes, note_mark
from remiss.documents.ooxml import HIDDEN_RUN, W, w
from remiss.documents.ooxml import R as R_NS
from remiss.documents.word.lists import RM_ID as RM_LIST_ID
from remiss.documents.word.lists import RM_LIST
from remiss.documents.word.media import RM_HREF, RM_IMAGE
from remiss.documents.word.notes import RM_ID, RM_KIND, RM_NOTE, RM_NOTE_REF
from remiss.documents.xmlsafe import parse_untrusted

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_SPACE = f"{{{XML_NS}}}space"
Element = etree._Element

P, R, T, BR, TBL, TR, TC = w("p"), w("r"), w("t"), w("br"), w("tbl"), w("tr"), w("tc")
PPR, RPR, PSTYLE, RSTYLE, NUMPR = w("pPr"), w("rPr"), w("pStyle"), w("rStyle"), w("numPr")
ILVL, NUMID, VAL, B = w("ilvl"), w("numId"), w("val"), w("b")
SDT, SDT_CONTENT, CUSTOM_XML = w("sdt"), w("sdtContent"), w("customXml")
TBLPR, TBLGRID, TRPR, TCPR, TBLPREX = w("tblPr"), w("tblGrid"), w("trPr"), w("tcPr"), w("tblPrEx")
IMAGE_MARK = "[bild utelämnad]"

_WRAPPERS = frozenset({SDT, CUSTOM_XML})
_UNWRAP_INLINE = frozenset(
    w(tag)
    for tag in ("hyperlink", "smartTag", "customXml", "sdt", "fldSimple", "ins", "moveTo", "dir", "bdo")
)
_MATH = frozenset({f"{{{M}}}oMath", f"{{{M}}}oMathPara"})
_RUN_KEEP = frozenset(
    w(tag) for tag in ("t", "tab", "br", "cr", "noBreakHyphen", "softHyphen", "sym", "ptab")
)
_RUN_IMAGES = frozenset({w("drawing"), w("pict"), w("object"), f"{{{MC}}}AlternateContent"})
_RPR_KEEP = frozenset(
    w(tag) for tag in ("b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "u", "vertAlign")
)
_PPR_KEEP = frozenset({w("keepNext"), w("keepLines"), w("jc")})
_PPR_LEADING = frozenset({PSTYLE, w("keepNext"), w("keepLines")})  # what precedes numPr
_TBLPR_DROP = frozenset({w("tblStyle"), w("tblpPr"), w("tblOverlap")})
_TRACKED = frozenset(w(tag) for tag in ("ins", "del", "cellIns", "cellDel", "cellMerge"))
_BREAKS_DROPPED = frozenset({"page", "column"})
_CHAR_STYLE_ALIASES = {"Stark": "Strong", "Betoning": "Emphasis"}
HYPERLINK, DRAWING = w("hyperlink"), w("drawing")
_HEADING_PREFIXES = ("heading", "rubrik", "title", "subtitle", "underrubrik")
_LIST_STYLES = frozenset((*styles.BULLET_STYLES, *styles.NUMBER_STYLES, styles.LIST_PARAGRAPH))
_W_PREFIX = f"{{{W}}}"
# w14:paraId and the like (Word accepts them only with mc:Ignorable declarations) and rsids
# (revision ids: bulk, meaningless here). The annex's own drawings and link ids stay.
_FOREIGN_ATTRIBUTES = etree.XPath(
    ".//@*[not(ancestor-or-self::w:drawing) and not(namespace-uri() = $w or namespace-uri() = $m"
    " or namespace-uri() = $xml or (namespace-uri() = $r and local-name(..) = 'hyperlink'))"
    " or starts-with(local-name(), 'rsid')]",
    namespaces={"w": W},
)


def parse_fragment(xml: str, part: str) -> Element:
    """The container (w:sdtContent) whose children are the answer's blocks."""
    root = parse_untrusted(xml.encode("utf-8"), part)
    if root.tag == SDT and root.find(SDT_CONTENT) is not None:
        root = root.find(SDT_CONTENT)
    if root.tag in (P, TBL):
        holder = etree.Element(SDT_CONTENT, nsmap={"w": W})
        holder.append(root)
        return holder
    return root


class FragmentCleaner:
    """Cleans one answer in place; lists get the annex's styles and a fresh count."""

    def __init__(
        self, numbering: ListNumbering, media: AnnexMedia | None = None, notes: AnnexNotes | None = None
    ) -> None:
        self._numbering = numbering
        self._media = media or AnnexMedia()
        self._notes = notes  # None: note references are dropped (inside a note itself)
        self._num_id: int | None = None  # this answer's restarted numbered-list instance
        self._lists: dict[str, Element] = {}  # carried rm:list by its rm:id
        self._list_ids: dict[str, int] = {}  # rm:id -> the annex's numId for it
        self._carried_notes: dict[tuple[str, str], Element] = {}

    def clean(self, root: Element) -> bool:
        """Clean the container's blocks, trim empty paragraphs at either end; False if none left."""
        for child in list(root):
            if child.tag == RM_LIST:
                self._lists[child.get(RM_LIST_ID, "")] = child
                root.remove(child)
            elif child.tag == RM_NOTE:
                self._carried_notes[(child.get(RM_KIND, ""), child.get(RM_ID, ""))] = child
                root.remove(child)
        self._blocks(root, list(root))
        while len(root) and _is_empty(root[0]):
            root.remove(root[0])
        while len(root) and _is_empty(root[-1]):
            root.remove(root[-1])
        for table in root.iter(TBL):
            mark_header_row(table)
            keep_rows_whole(table)
        _keep_lead_ins(root)
        for table in list(root.iterchildren(TBL)):
            fit_to_page(table)
            fit_pictures_to_cells(table)
            add_spacer(table)
        return len(root) > 0

    def _blocks(self, parent: Element, children: list[Element]) -> None:
        for el in children:
            tag = el.tag
            if tag == P:
                self._paragraph(el)
            elif tag == TBL:
                self._table(el)
            elif tag in _WRAPPERS:
                self._blocks(parent, _unwrap(parent, el))
            else:
                parent.remove(el)

    # --- paragraphs and runs ------------------------------------------------------------

    def _paragraph(self, p: Element) -> None:
        p.attrib.clear()  # rsids and w14:paraId/textId: on nearly every paragraph
        children = list(p)
        heading = False
        if children and children[0].tag == PPR:
            heading = self._paragraph_properties(p, children.pop(0))
        self._inline(p, children)
        if heading:
            for run in p.iterchildren(R):
                _make_bold(run)

    def _inline(self, parent: Element, children: list[Element]) -> None:
        for el in children:
            tag = el.tag
            if tag == R:
                if not _run(el, self._media, self._note_reference):
                    parent.remove(el)
            elif tag == HYPERLINK and self._link(el):
                self._inline(el, list(el))
                for run in el.iterchildren(R):
                    _set_run_style(run, styles.HYPERLINK_STYLE)
            elif tag in _UNWRAP_INLINE:
                self._inline(parent, _unwrap(parent, el))
            elif tag in _MATH:
                _strip_foreign(el)
            else:
                parent.remove(el)

    def _note_reference(self, marker: Element) -> Element | None:
        """A carried note as a note of the annex: its reference, or None when it is not there."""
        kind = marker.get(RM_KIND, "")
        note = self._carried_notes.pop((kind, marker.get(RM_ID, "")), None)
        if note is None or self._notes is None or kind not in styles.NOTE_STYLES:
            return None
        holder = etree.Element(SDT_CONTENT, nsmap={"w": W})
        holder.extend(list(note))
        inner = FragmentCleaner(self._numbering, self._media.of_part(NOTE_PART[kind]))
        inner._lists = self._lists
        inner._list_ids = self._list_ids
        if not inner.clean(holder):
            etree.SubElement(holder, P)
        text_style, _reference = styles.NOTE_STYLES[kind]
        for paragraph in holder.iterchildren(P):
            ppr = paragraph[0] if len(paragraph) and paragraph[0].tag == PPR else None
            if ppr is None:
                ppr = paragraph.makeelement(PPR)
                paragraph.insert(0, ppr)
            if ppr.find(PSTYLE) is None:
                ppr.insert(0, ppr.makeelement(PSTYLE, {VAL: text_style}))
        first = next(holder.iterchildren(P), None)
        if first is not None:
            position = 1 if len(first) and first[0].tag == PPR else 0
            for offset, run in enumerate(etree.fromstring(f'<w:x xmlns:w="{W}">{note_mark(kind)}</w:x>')):
                first.insert(position + offset, run)
        number = self._notes.add(kind, [etree.tostring(child, encoding="unicode") for child in holder])
        return marker.makeelement(w(f"{kind}Reference"), {w("id"): str(number)})

    def _link(self, link: Element) -> bool:
        """A carried web link gets the annex's relationship id and style; False to unwrap it."""
        address = link.get(RM_HREF)
        rel_id = self._media.link(address) if address else None
        if rel_id is None:
            return False
        link.attrib.clear()
        link.set(f"{{{R_NS}}}id", rel_id)
        return True

    def _paragraph_properties(self, p: Element, ppr: Element) -> bool:
        """Filter pPr in place, map lists to the annex's; True for a respondent heading."""
        style_el = numpr = None
        for child in list(ppr):
            tag = child.tag
            if tag == PSTYLE:
                style_el = child
            elif tag == NUMPR:
                numpr = child
            elif tag == RPR:
                if not _run_properties(child)[0]:
                    ppr.remove(child)
            elif tag not in _PPR_KEEP:
                ppr.remove(child)
        style_id = style_el.get(VAL, "") if style_el is not None else ""
        carried = self._carried_list(numpr)
        if carried is not None:
            self._carried_numbering(ppr, style_el, numpr, carried)
            return style_id.lower().startswith(_HEADING_PREFIXES)
        kind = list_kind(style_id, numpr)
        if numpr is not None:
            ppr.remove(numpr)
        if kind is None:
            if style_el is not None:
                ppr.remove(style_el)  # only the annex's list styles may come from an answer
        else:
            level = list_level(style_id, numpr)
            new_style = (styles.BULLET_STYLES if kind == "bullet" else styles.NUMBER_STYLES)[level]
            if style_el is None:
                style_el = ppr.makeelement(PSTYLE)
                ppr.insert(0, style_el)
            style_el.set(VAL, new_style)
            if kind == "number":
                if self._num_id is None:
                    self._num_id = self._numbering.new_instance()
                position = sum(1 for child in ppr if child.tag in _PPR_LEADING)
                numpr = ppr.makeelement(NUMPR)
                ppr.insert(position, numpr)
                etree.SubElement(numpr, ILVL).set(VAL, str(level))
                etree.SubElement(numpr, NUMID).set(VAL, str(self._num_id))
        if not len(ppr):
            p.remove(ppr)
        return style_id.lower().startswith(_HEADING_PREFIXES)

    def _carried_list(self, numpr: Element | None) -> int | None:
        """The annex's numId for a list the answer carried its definition of; None otherwise."""
        num_id = numpr.find(NUMID) if numpr is not None else None
        key = num_id.get(VAL, "") if num_id is not None else ""
        if key not in self._lists:
            return None
        if key not in self._list_ids:
            self._list_ids[key] = self._numbering.carried_list(self._lists[key])
        return self._list_ids[key]

    def _carried_numbering(self, ppr: Element, style_el: Element | None, numpr: Element, num_id: int) -> None:
        """The paragraph in the annex's list paragraph style, numbered by the carried definition."""
        level = numpr.find(ILVL)
        value = level.get(VAL, "0") if level is not None else "0"
        ilvl = min(int(value), 8) if value.isdigit() else 0
        if style_el is None:
            style_el = ppr.makeelement(PSTYLE)
            ppr.insert(0, style_el)
        style_el.set(VAL, styles.LIST_PARAGRAPH)
        ppr.remove(numpr)
        numpr = ppr.makeelement(NUMPR)
        ppr.insert(sum(1 for child in ppr if child.tag in _PPR_LEADING), numpr)
        etree.SubElement(numpr, ILVL).set(VAL, str(ilvl))
        etree.SubElement(numpr, NUMID).set(VAL, str(num_id))

    # --- tables ---------------------------------------------------------------------------

    def _table(self, tbl: Element, children: list[Element] | None = None) -> None:
        for el in list(tbl) if children is None else children:
            tag = el.tag
            if tag == TR:
                self._row(el)
            elif tag == TBLPR:
                table_properties(el)
            elif tag == TBLGRID:
                keep_plain_w(el)
            elif tag in _WRAPPERS:
                self._table(tbl, _unwrap(tbl, el))
            else:
                tbl.remove(el)

    def _row(self, tr: Element, children: list[Element] | None = None) -> None:
        tr.attrib.clear()
        for el in list(tr) if children is None else children:
            tag = el.tag
            if tag == TC:
                self._cell(el)
            elif tag in (TRPR, TBLPREX):
                keep_plain_w(el)
            elif tag in _WRAPPERS:
                self._row(tr, _unwrap(tr, el))
            else:
                tr.remove(el)

    def _cell(self, tc: Element) -> None:
        children = list(tc)
        if children and children[0].tag == TCPR:
            keep_plain_w(children.pop(0))
        self._blocks(tc, children)
        if not len(tc) or tc[-1].tag != P:
            etree.SubElement(tc, P)  # a cell must end with a paragraph


def _keep_lead_ins(root: Element) -> None:
    """A paragraph that introduces a list ("… följande steg:") stays on the page of the
    list's first item: a page break between them leaves a dangling colon."""
    for block, after in itertools.pairwise(root):
        if block.tag != P or after.tag != P or _is_list_item(block) or not _is_list_item(after):
            continue
        if not "".join(t.text or "" for t in block.iter(T)).rstrip().endswith(":"):
            continue
        ppr = block.find(PPR)
        if ppr is None:
            ppr = block.makeelement(PPR)
            block.insert(0, ppr)
        if ppr.find(w("keepNext")) is None:
            ppr.insert(1 if len(ppr) and ppr[0].tag == PSTYLE else 0, ppr.makeelement(w("keepNext")))


def _is_list_item(p: Element) -> bool:
    ppr = p.find(PPR)
    style = ppr.find(PSTYLE) if ppr is not None else None
    style_id = style.get(VAL, "") if style is not None else ""
    return (
        style_id in _LIST_STYLES
        or list_kind(style_id, ppr.find(NUMPR) if ppr is not None else None) is not None
    )


def add_label(root: Element, label: str) -> None:
    """'Kommentar: ' in bold at the start of the first paragraph, as in the printed annexes;
    before a table, a list or a picture, a bold label paragraph of its own instead (beside a
    picture the label would sit on the picture's baseline, at the foot of a tall one)."""
    if not label:
        return
    first = root[0]
    ppr = first[0] if len(first) and first[0].tag == PPR else None
    if first.tag == P and not _is_list_item(first) and not _starts_with_picture(first):
        _label_run(first, 1 if ppr is not None else 0, f"{label}: ")
        return
    paragraph = root.makeelement(P)
    root.insert(0, paragraph)
    etree.SubElement(etree.SubElement(paragraph, PPR), w("keepNext"))
    _label_run(paragraph, 1, f"{label}:")


def _starts_with_picture(paragraph: Element) -> bool:
    """Whether the paragraph's first visible content is a picture (drawing, VML, object)."""
    for node in paragraph.iter(T, *_RUN_IMAGES):
        if node.tag != T:
            return True
        if (node.text or "").strip():
            return False
    return False


def _label_run(paragraph: Element, index: int, text: str) -> None:
    """Built in place: an element made outside the tree costs a document of its own."""
    run = paragraph.makeelement(R)
    paragraph.insert(index, run)
    etree.SubElement(etree.SubElement(run, RPR), B)
    t = etree.SubElement(run, T)
    t.text = text
    t.set(XML_SPACE, "preserve")


# --- runs and properties -------------------------------------------------------------------


def _run(run: Element, media: AnnexMedia, note: Callable[[Element], Element | None] | None = None) -> bool:
    """Keep text-bearing children, carried pictures and notes; False when hidden or without content."""
    run.attrib.clear()
    content = False
    for child in list(run):
        tag = child.tag
        if tag == RM_NOTE_REF:
            reference = note(child) if note is not None else None
            if reference is None:
                run.remove(child)
            else:
                run.replace(child, reference)
                _set_run_style(run, styles.NOTE_STYLES[child.get(RM_KIND, "")][1])
                content = True
            continue
        if tag in _RUN_KEEP:
            if tag == BR and child.get(w("type")) in _BREAKS_DROPPED:
                run.remove(child)  # a respondent's page break would break the annex's layout
            else:
                content = True
        elif tag == RPR:
            kept, hidden = _run_properties(child)
            if hidden:
                return False
            if not kept:
                run.remove(child)
        elif tag == RM_IMAGE and (drawing := media.drawing(child)) is not None:
            run.replace(child, drawing)
            content = True
        elif tag in _RUN_IMAGES or tag == RM_IMAGE:
            mark = run.makeelement(T)
            mark.text = f"{IMAGE_MARK} "
            mark.set(XML_SPACE, "preserve")
            run.replace(child, mark)
            content = True
        else:
            run.remove(child)
    return content


def _run_properties(rpr: Element) -> tuple[int, bool]:
    """Filter rPr in place to bold/italic/underline and the like: (children left, hidden)."""
    hidden = False
    for child in list(rpr):
        tag = child.tag
        if tag in _RPR_KEEP:
            continue
        if tag == RSTYLE:
            style_id = child.get(VAL, "")
            style_id = _CHAR_STYLE_ALIASES.get(style_id, style_id)
            if style_id in styles.CHARACTER_STYLES:
                child.set(VAL, style_id)
                continue
        hidden = hidden or tag in HIDDEN_RUN
        rpr.remove(child)
    return len(rpr), hidden


# --- helpers ------------------------------------------------------------------------------


def _unwrap(parent: Element, wrapper: Element) -> list[Element]:
    """Replace a wrapper (link, content control, smart tag...) by its content; return it."""
    if wrapper.tag == SDT:
        content = wrapper.find(SDT_CONTENT)
        inner = list(content) if content is not None else []
    else:
        inner = [child for child in wrapper if isinstance(child.tag, str) and not child.tag.endswith("Pr")]
    for child in inner:
        wrapper.addprevious(child)
    parent.remove(wrapper)
    return inner


def _in_w(el: Element) -> bool:
    return isinstance(el.tag, str) and el.tag.startswith(_W_PREFIX)


def strip_foreign_attributes(root: Element) -> None:
    """Attributes paragraphs, runs and rows did not already shed (rare: w14 on a border...)."""
    for attribute in _FOREIGN_ATTRIBUTES(root, w=W, m=M, xml=XML_NS, r=R_NS):
        del attribute.getparent().attrib[attribute.attrname]


def _strip_foreign(el: Element) -> None:
    """Inside math keep only math and WordprocessingML; nothing there may reference a part."""
    for child in list(el.iter()):
        if child is el or not isinstance(child.tag, str):
            continue
        ns = etree.QName(child).namespace
        if ns not in (M, W) or child.tag in _RUN_IMAGES:
            parent = child.getparent()
            if parent is not None:
                parent.remove(child)


def _set_run_style(run: Element, style_id: str) -> None:
    rpr = run[0] if len(run) and run[0].tag == RPR else None
    if rpr is None:
        rpr = run.makeelement(RPR)
        run.insert(0, rpr)
    for style in rpr.findall(RSTYLE):
        rpr.remove(style)
    rpr.insert(0, rpr.makeelement(RSTYLE, {VAL: style_id}))


def _make_bold(run: Element) -> None:
    rpr = run[0] if len(run) and run[0].tag == RPR else None
    if rpr is None:
        rpr = run.makeelement(RPR)
        run.insert(0, rpr)
    if rpr.find(B) is None:
        rpr.insert(1 if rpr.find(RSTYLE) is not None else 0, rpr.makeelement(B))


def _is_empty(block: Element) -> bool:
    has_text = any(t.text and t.text.strip() for t in block.iter(T))
    if block.tag != P or has_text:
        return False
    return not any(el.tag in _MATH or el.tag == DRAWING for el in block.iter())
