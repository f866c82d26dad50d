"""The cleaning passes over a copy of an answer, and which of them a returned body needs.

Each pass resolves one kind of thing that points outside the answer or records its
editing history (see word_clean). A returned file holds some fifty answers and most of
them need no pass at all, so the body is looked at once (BodyFacts): the attributes no
answer keeps are stripped there, and every element learns which passes its content needs.
A pass is skipped for an answer whose blocks hold nothing it works on: it would change
nothing.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Callable, Iterable

from lxml import etree

from remiss.documents.ooxml import W, w
from remiss.documents.word.lists import ListCarrier
from remiss.documents.word.media import RM, RM_HREF, ImageBudget, MediaCarrier, PackageMedia, strip_forged
from remiss.documents.word.notes import RM_KIND, NoteCarrier
from remiss.documents.word.styled import StyleResolver, insert_ordered, needs_resolving, resolve_styles
from remiss.documents.word.wordml import STYLE_LIST_BULLET, STYLE_LIST_NUMBER, STYLE_PLACEHOLDER

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
_P, _R, _R_PR, _R_STYLE, _NUM_PR = w("p"), w("r"), w("rPr"), w("rStyle"), w("numPr")
_P_STYLE = w("pStyle")
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
_VAL_ATTR = w("val")

_NOTES = {w("footnoteReference"): "fotnoter", w("endnoteReference"): "slutnoter"}

# The passes as bits, and the elements each one works on.
_FORGED, _HISTORY, _WRAPPED, _MEDIA, _LINKS, _REFERENCES, _MARKED, _GREY, _NUMBERED, _STYLED = (
    1 << i for i in range(10)
)
_PASS_TAGS = (
    (_HISTORY, _REJECTED_HISTORY + _ACCEPTED_HISTORY),
    (_WRAPPED, _WRAPPERS),
    (_MEDIA, (_HYPERLINK, w("drawing"), w("pict"), f"{{{MC}}}AlternateContent", w("object"))),
    (_LINKS, (_HYPERLINK,)),
    (_REFERENCES, (*_EXTERNAL, w("commentReference"))),
    (_MARKED, _MARKS),
    (_NUMBERED, (_NUM_PR,)),
    (_GREY, (_R_STYLE,)),  # the placeholder's style only (_grey)
    (_STYLED, (_P_STYLE,)),  # and rStyle: a respondent's own style (styled.needs_resolving)
)
_PASSES_OF = {
    tag: sum(bit for bit, tags in _PASS_TAGS if tag in tags) for _, tags in _PASS_TAGS for tag in tags
}

# Stripped from the whole body: the rsids Word writes and Word 2010 paragraph ids. Any other
# w:rsid… attribute is looked for (_OTHER_RSIDS) unless the part's bytes show there is none.
_RSIDS = ("R", "RPr", "RDefault", "P", "Del", "Sect", "Tr", "Root")
_NOISE_ATTRIBUTES = (*(w(f"rsid{name}") for name in _RSIDS), f"{{{W14}}}paraId", f"{{{W14}}}textId")
_KNOWN_RSIDS = {name.encode() for name in _RSIDS}
_OTHER_RSIDS = etree.XPath(
    "descendant-or-self::*/@*[namespace-uri() = $w and starts-with(local-name(), 'rsid')]"
)
_FORGED_ATTRIBUTES = etree.XPath("descendant-or-self::*/@*[namespace-uri() = $rm]")
_RSID_NAMES = re.compile(rb"rsid([^\s=<>/\"']*)\s*=")  # in a part's bytes: what follows "rsid"
_ENCODING = re.compile(rb"<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"']*)[\"']")


class BodyFacts:
    """Cleaning done once for a whole body, and which passes each of its elements needs.

    rsids, paragraph ids and empty rPr go here, in place: no answer keeps them, and nothing
    that locates answers reads them. `source`, the part's bytes, spares two searches of the
    whole body (other rsids, forged remiss elements) when the bytes show there is none.
    """

    def __init__(self, root: etree._Element, source: bytes | None = None) -> None:
        spelled = source if source is not None and _spelled_out(source) else None
        # Every namespace declared on the document element, none further down: then a copy
        # of any element declares what its content uses on itself (see word_clean).
        top = root.getroottree().getroot()
        self.declared_on_top = spelled is not None and spelled.count(b"xmlns") == len(top.nsmap)
        etree.strip_attributes(root, *_NOISE_ATTRIBUTES)
        if spelled is None or set(_RSID_NAMES.findall(spelled)) - _KNOWN_RSIDS:
            others = {attribute.attrname for attribute in _OTHER_RSIDS(root, w=W)}
            if others:
                etree.strip_attributes(root, *others)
        self._needs: dict[etree._Element, int] = {}
        empty: list[etree._Element] = []
        for element in root.iter(_R_PR, *_PASSES_OF):
            if element.tag == _R_PR:
                if len(element) == 0:
                    empty.append(element)
            elif element.tag == _R_STYLE:
                if _grey(element):
                    self._mark(element, _GREY)
                elif needs_resolving(element.get(_VAL_ATTR, "")):
                    self._mark(element, _STYLED)
            elif element.tag == _P_STYLE:
                if needs_resolving(element.get(_VAL_ATTR, "")):
                    self._mark(element, _STYLED)
            else:
                self._mark(element, _PASSES_OF[element.tag])
        for properties in empty:
            _remove(properties)
        if spelled is None or RM.encode() in spelled:
            for element in root.iter(f"{{{RM}}}*"):
                self._mark(element, _FORGED)
            for attribute in _FORGED_ATTRIBUTES(root, rm=RM):
                self._mark(attribute.getparent(), _FORGED)

    def _mark(self, element: etree._Element, bits: int) -> None:
        """Flag the element and its ancestors (an element already flagged has flagged ancestors)."""
        for owner in itertools.chain((element,), element.iterancestors()):
            needs = self._needs.get(owner, 0)
            if needs & bits == bits:
                break
            self._needs[owner] = needs | bits

    def passes(self, blocks: Iterable[etree._Element]) -> int:
        """The passes (bits) that the content of `blocks`, elements of this body, needs."""
        found = 0
        for block in blocks:
            found |= self._needs.get(block, 0)
        return found


def _spelled_out(source: bytes) -> bool:
    """Whether every name and namespace in the part appears in its bytes as written: UTF-8
    (what Word and LibreOffice write; no NUL byte, as UTF-16 and UTF-32 have, and no other
    encoding declared) and no character reference (which can spell a namespace)."""
    if b"\x00" in source or b"&#" in source:
        return False
    head = source.removeprefix(codecs.BOM_UTF8)
    if not head.startswith(b"<"):
        return False
    declared = _ENCODING.match(head) if head.startswith(b"<?xml") else None
    return declared is None or declared[1].lower() == b"utf-8"


class Passed:
    """What the passes left besides the cleaned blocks: what had to go, what is marked in
    place, and what travels after the blocks (rm:list and rm:note elements)."""

    def __init__(self) -> None:
        self.dropped: set[str] = set()
        self.marked: set[str] = set()
        self.carried: list[etree._Element] = []
        self.budget = ImageBudget()  # the answer's pictures, its notes' included


def run_passes(
    holder: etree._Element,
    passes: int,
    media: PackageMedia | None,
    whole: bool = True,
    budget: ImageBudget | None = None,
) -> Passed:
    """Clean the blocks in `holder` in place.

    Tracked changes are accepted, wrappers unwrapped, references dropped. With the file's
    `media`, pictures and web links are carried (as rm:image and rm:href), text boxes read
    in place, notes and list definitions carried; without, they are dropped and reported.
    A note's own paragraphs are not `whole`: their pictures and links are carried (`media`
    is then the notes part's), but no note inside a note, and no lists or styles.
    """
    passed = Passed()
    if budget is not None:
        passed.budget = budget
    if passes & _FORGED:
        strip_forged(holder)
    if passes & _HISTORY:
        _accept_tracked_changes(holder)
    if passes & _WRAPPED:
        _unwrap_all(holder, _WRAPPERS)
    if media is not None and passes & _MEDIA:
        carrier = MediaCarrier(media, passed.budget)
        carrier.carry(holder)
        passed.dropped |= carrier.dropped
        passed.marked |= carrier.marked
        if carrier.moved:  # text boxes' content joined the answer: it may need any pass
            passes = ~0
    if passes & _LINKS:
        _unwrap_links(holder)
    package = media if whole else None  # what the main document's other parts resolve
    if package is not None and passes & _REFERENCES:
        passed.carried += _carry_notes(holder, package, passed)
    if passes & _REFERENCES:
        passed.dropped |= _drop_references(holder)
    if passes & _MARKED:
        _remove_all(holder, _MARKS)
    if passes & _GREY:
        _remove_all(holder, (_R_STYLE,), _grey)
    styles = StyleResolver(package.part("styles")) if package is not None and passes & _STYLED else None
    if styles is not None:
        resolve_styles(holder, styles)
    if passes & ~_NUMBERED:  # content was removed or moved: a property set may be empty now
        _remove_all(holder, (_R_PR,), _empty)
    if passes & _NUMBERED:
        _drop_redundant_numbering(holder)
    if package is not None and passes & (_NUMBERED | _STYLED):
        passed.carried += ListCarrier(package, styles).carry(holder)
    return passed


def _carry_notes(holder: etree._Element, media: PackageMedia, passed: Passed) -> list[etree._Element]:
    """Notes travel after the blocks, cleaned as an answer is: their pictures and links are
    carried through the notes part's own relationships."""
    carrier = NoteCarrier(media)
    notes = carrier.carry(holder)
    passed.dropped |= carrier.dropped
    for note in notes:
        holder = etree.Element(w("sdtContent"))  # the note keeps its rm: attributes
        holder.extend(list(note))
        own = media.related(f"{note.get(RM_KIND)}s")
        # The notes part was not looked at: every pass. Its pictures count against the
        # answer's limit; what its relationships do not resolve is marked or dropped and
        # reported like the body's.
        inner = run_passes(holder, ~0, own, whole=False, budget=passed.budget)
        note.extend(list(holder))
        passed.dropped |= inner.dropped - set(_NOTES.values())
        passed.marked |= inner.marked
    return notes


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
    """Links carried with an address keep their element; the others become their text, an
    internal one (to a bookmark) still underlined as Word shows it."""
    for link in list(holder.iter(_HYPERLINK)):
        if link.get(RM_HREF) is None:
            if link.get(w("anchor")):
                _underline(link)
            _unwrap(link)
        else:
            for attribute in [a for a in link.attrib if a != RM_HREF]:
                del link.attrib[attribute]


def _underline(link: etree._Element) -> None:
    for run in link.iter(_R):
        properties = run.find(_R_PR)
        if properties is None:
            properties = etree.Element(_R_PR)
            run.insert(0, properties)
        if properties.find(w("u")) is None:
            insert_ordered(properties, etree.Element(w("u"), {_VAL_ATTR: "single"}))


def _remove_all(
    holder: etree._Element, tags: tuple[str, ...], which: Callable[[etree._Element], bool] | None = None
) -> None:
    for element in list(holder.iter(*tags)):
        if which is None or which(element):
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


def _grey(style: etree._Element) -> bool:
    """The placeholder's grey character style (by id; LibreOffice writes the name's space)."""
    return style.get(w("val"), "").replace(" ", "") == STYLE_PLACEHOLDER


def _empty(properties: etree._Element) -> bool:
    return len(properties) == 0


def _drop_redundant_numbering(holder: etree._Element) -> None:
    """A list style already carries its numbering; LibreOffice repeats it with its own numIds,
    which would point at the wrong list definition in another document."""
    for properties in holder.iter(w("pPr")):
        style = properties.find(w("pStyle"))
        numbering = properties.find(w("numPr"))
        if style is not None and numbering is not None and style.get(w("val"), "").startswith(_LIST_STYLES):
            properties.remove(numbering)
