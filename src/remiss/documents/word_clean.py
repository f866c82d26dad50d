"""Turning an answer's blocks into a clean, portable fragment for the annex.

The fragment is copied into another document, so anything that points outside the answer
(comments, footnotes, images, hyperlink relationships, bookmarks with clashing ids) or
that records editing history (tracked changes, rsids, proofing marks) is resolved here:
tracked changes are accepted, wrappers unwrapped, references dropped. Pictures and web
links are carried inside the fragment when the package is at hand (see word_media);
what cannot be carried is dropped and reported.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from lxml import etree

from remiss.documents.ooxml import W, w
from remiss.documents.word_media import RM, RM_HREF, RM_IMAGE, MediaCarrier, PackageMedia, strip_forged
from remiss.documents.word_xml import STYLE_LIST_BULLET, STYLE_LIST_NUMBER, STYLE_PLACEHOLDER

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _tags(names: str) -> tuple[str, ...]:
    """Clark names of space-separated WordprocessingML element names."""
    return tuple(w(name) for name in names.split())


# Tracked changes: removed with their content / unwrapped (content kept).
_REJECTED_HISTORY = _tags(
    "del moveFrom moveFromRangeStart moveFromRangeEnd moveToRangeStart moveToRangeEnd rPrChange "
    "pPrChange sectPrChange tblPrChange tblPrExChange trPrChange tcPrChange tblGridChange "
    "numberingChange cellDel cellIns cellMerge"
)
_ACCEPTED_HISTORY = _tags("ins moveTo")
_WRAPPERS = _tags("sdt customXml smartTag dir bdo")
_HYPERLINK = w("hyperlink")
_P, _R, _T = w("p"), w("r"), w("t")
_RUN_TEXT = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
_WRAPPER_PROPERTIES = (w("customXmlPr"), w("smartTagPr"))
_MARKS = _tags(
    "commentRangeStart commentRangeEnd proofErr bookmarkStart bookmarkEnd permStart permEnd "
    "lastRenderedPageBreak sectPr"
)
# Content that refers to parts of the respondent's package; reported (in Swedish), then dropped.
_EXTERNAL = {
    w("drawing"): "bilder",
    w("pict"): "bilder",
    w("object"): "inbäddade objekt",
    w("footnoteReference"): "fotnoter",
    w("endnoteReference"): "slutnoter",
    f"{{{MC}}}AlternateContent": "bilder",
}
_LIST_STYLES = (STYLE_LIST_BULLET, STYLE_LIST_NUMBER)
_DROPPED_ATTRIBUTES = {f"{{{W14}}}paraId", f"{{{W14}}}textId"}


def clean_fragment(
    blocks: Iterable[etree._Element], placeholder: str = "", media: PackageMedia | None = None
) -> tuple[list[etree._Element], set[str]]:
    """Cleaned copies of `blocks`, and the kinds of content that had to be dropped.

    With the file's `media`, pictures and web links are carried (as rm:image and rm:href);
    without, they are dropped and reported like any other reference. Paragraphs that only
    repeat the field's placeholder go too: showingPlcHdr is not trusted (LibreOffice keeps
    the text but drops the flag, and people type below a grey field rather than into it).
    """
    holder = etree.Element(w("body"))
    holder.extend(copy.deepcopy(block) for block in blocks)
    strip_forged(holder)
    _accept_tracked_changes(holder)
    _unwrap_all(holder, _WRAPPERS)
    carried: set[str] = set()
    if media is not None:
        carrier = MediaCarrier(media)
        carrier.carry(holder)
        carried = carrier.dropped
    _unwrap_links(holder)
    dropped = _drop_references(holder) | carried
    _remove_all(holder, _MARKS)
    _strip_noise(holder)
    unchanged = normalised(placeholder)
    kept = [b for b in holder if not (unchanged and normalised(plain_text([b])) == unchanged)]
    return _trimmed(kept), dropped


def fragment_xml(blocks: list[etree._Element]) -> str:
    """A serialized `<w:sdtContent>` holding the blocks, declaring only what they use."""
    wrapper = etree.Element(w("sdtContent"), nsmap={"w": W})
    wrapper.extend(copy.deepcopy(block) for block in blocks)
    etree.cleanup_namespaces(wrapper, top_nsmap={"w": W, "rm": RM})
    return etree.tostring(wrapper, encoding="unicode")


def plain_text(blocks: Iterable[etree._Element]) -> str:
    """Each paragraph's text (tables included, in reading order), joined by newlines."""
    return "\n".join(paragraph_text(p) for block in blocks for p in _paragraphs(block))


def paragraph_text(p: etree._Element) -> str:
    """Visible text of one paragraph: runs' text, tabs and breaks (not tab stop definitions,
    deleted text or field instructions); a carried picture as "[Bild: alt text]"."""
    parts: list[str] = []
    for run in p.iter(_R):
        for node in run:
            if node.tag == _T:
                parts.append(node.text or "")
            elif node.tag in _RUN_TEXT:
                parts.append(_RUN_TEXT[node.tag])
            elif node.tag == RM_IMAGE:
                descr = node.get(f"{{{RM}}}descr", "").strip()
                parts.append(f"[Bild: {descr}]" if descr else "[Bild]")
    return "".join(parts)


def normalised(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(block: etree._Element) -> Iterable[etree._Element]:
    return [block] if block.tag == _P else block.iter(_P)


def _accept_tracked_changes(holder: etree._Element) -> None:
    """As Word's 'Accept all changes': deletions go, insertions stay, marks disappear."""
    for row in list(holder.iter(w("tr"))):
        if row.find(f"{w('trPr')}/{w('del')}") is not None:
            row.getparent().remove(row)
    for p in list(holder.iter(_P)):
        if p.find(f"{w('pPr')}/{w('rPr')}/{w('del')}") is not None:
            _join_with_next(p)
    _remove_all(holder, _REJECTED_HISTORY)
    _unwrap_all(holder, _ACCEPTED_HISTORY)


def _join_with_next(p: etree._Element) -> None:
    """A deleted paragraph mark: the text continues in the next paragraph, under its mark."""
    following = p.getnext()
    if following is None or following.tag != _P:
        return
    content = [child for child in p if child.tag != w("pPr")]
    anchor = following.find(w("pPr"))
    position = 0 if anchor is None else following.index(anchor) + 1
    following[position:position] = content
    p.getparent().remove(p)


def _unwrap_all(holder: etree._Element, tags: tuple[str, ...]) -> None:
    for element in list(holder.iter(*tags)):
        _unwrap(element)


def _unwrap(element: etree._Element) -> None:
    """Replace an element by its content (a control's sdtContent, a wrapper's children)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tag == w("sdt"):
        content = element.find(w("sdtContent"))
        children = [] if content is None else list(content)
    else:
        children = [child for child in element if child.tag not in _WRAPPER_PROPERTIES]
    index = parent.index(element)
    parent[index : index + 1] = children


def _unwrap_links(holder: etree._Element) -> None:
    """Links carried with an address keep their element; the others become their text."""
    for link in list(holder.iter(_HYPERLINK)):
        if link.get(RM_HREF) is None:
            _unwrap(link)
        else:
            for attribute in [a for a in link.attrib if a != RM_HREF]:
                del link.attrib[attribute]


def _remove_all(holder: etree._Element, tags: tuple[str, ...]) -> None:
    for element in list(holder.iter(*tags)):
        _remove(element)


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _drop_references(holder: etree._Element) -> set[str]:
    """Comments, notes, images and embedded objects point into the respondent's package."""
    for reference in list(holder.iter(w("commentReference"))):
        run = reference.getparent()
        _remove(run if run is not None and run.tag == _R else reference)
    dropped: set[str] = set()
    for element in list(holder.iter(*_EXTERNAL)):
        dropped.add(_EXTERNAL[element.tag])
        _remove(element)
    return dropped


def _strip_noise(holder: etree._Element) -> None:
    """rsids, Word 2010 paragraph ids, the placeholder's grey style, empty property sets."""
    for element in holder.iter():
        for attribute in list(element.attrib):
            if attribute.startswith(f"{{{W}}}rsid") or attribute in _DROPPED_ATTRIBUTES:
                del element.attrib[attribute]
    for style in list(holder.iter(w("rStyle"))):
        if style.get(w("val"), "").replace(" ", "") == STYLE_PLACEHOLDER:
            _remove(style)
    for properties in list(holder.iter(w("rPr"))):
        if len(properties) == 0:
            _remove(properties)
    _drop_redundant_numbering(holder)


def _drop_redundant_numbering(holder: etree._Element) -> None:
    """A list style already carries its numbering; LibreOffice repeats it with its own numIds,
    which would point at the wrong list definition in another document."""
    for properties in holder.iter(w("pPr")):
        style = properties.find(w("pStyle"))
        numbering = properties.find(w("numPr"))
        if style is not None and numbering is not None and style.get(w("val"), "").startswith(_LIST_STYLES):
            properties.remove(numbering)


def _trimmed(blocks: list[etree._Element]) -> list[etree._Element]:
    """Without the blank paragraphs editors leave before and after an answer."""

    def blank(block: etree._Element) -> bool:
        return block.tag == _P and not paragraph_text(block).strip()

    start, end = 0, len(blocks)
    while start < end and blank(blocks[start]):
        start += 1
    while end > start and blank(blocks[end - 1]):
        end -= 1
    return blocks[start:end]
