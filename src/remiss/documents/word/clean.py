"""Turning an answer's blocks into a clean, portable fragment for the annex, and its text.

The fragment is copied into another document, so anything that points outside the answer
(comments, footnotes, images, hyperlink relationships, bookmarks with clashing ids) or
that records editing history (tracked changes, rsids, proofing marks) is resolved here:
tracked changes are accepted, wrappers unwrapped, references dropped (the passes are in
word_passes). Pictures and web links are carried inside the fragment when the package is
at hand (see word_media); what cannot be carried is dropped and reported.

The blocks are copied once, into the `<w:sdtContent>` that is serialized, and each
paragraph's text is read once: the placeholder check, the trimming and the answer's text
all use it.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable

from lxml import etree

from remiss.documents.ooxml import W, w
from remiss.documents.word.media import RM, RM_IMAGE, PackageMedia
from remiss.documents.word.notes import RM_ID, RM_NOTE, RM_NOTE_REF
from remiss.documents.word.passes import BodyFacts, run_passes

_P, _R, _T = w("p"), w("r"), w("t")
_RUN_TEXT = {w("tab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
_RM_DESCR = f"{{{RM}}}descr"
_SDT_CONTENT = w("sdtContent")
_NSMAP, _TOP_NSMAP = {"w": W}, {"w": W, "rm": RM}


class Cleaned:
    """One answer's cleaned blocks, in the `<w:sdtContent>` that is serialized, and its text."""

    def __init__(
        self,
        holder: etree._Element,
        paragraphs: list[list[str]],
        dropped: set[str],
        marked: frozenset[str] | set[str] = frozenset(),
    ) -> None:
        self.holder = holder
        self.dropped = dropped  # kinds of content that could not be kept (Swedish)
        self.marked = marked  # of those, the kinds a visible line in the answer stands for
        # Each paragraph's text (tables included, in reading order), joined by newlines.
        self.text = "\n".join(itertools.chain.from_iterable(paragraphs))

    def xml(self) -> str:
        """The serialized `<w:sdtContent>` holding the blocks, declaring only what they use."""
        xml = etree.tostring(self.holder, encoding="unicode")
        if xml.count("xmlns") == 1:  # only the holder's xmlns:w: cleanup_namespaces would change nothing
            return xml
        etree.cleanup_namespaces(self.holder, top_nsmap=_TOP_NSMAP)
        return etree.tostring(self.holder, encoding="unicode")


def clean(
    blocks: Iterable[etree._Element], placeholder: str, media: PackageMedia | None, facts: BodyFacts
) -> Cleaned:
    """Cleaned copies of `blocks`, elements of the body `facts` were made for.

    With the file's `media`, pictures and web links are carried (as rm:image and rm:href);
    without, they are dropped and reported like any other reference. Paragraphs that only
    repeat the field's placeholder go too: showingPlcHdr is not trusted (LibreOffice keeps
    the text but drops the flag, and people type below a grey field rather than into it).
    """
    blocks = list(blocks)
    holder = _copied(blocks, facts)
    passed = run_passes(holder, facts.passes(blocks), media)
    paragraphs = _kept_paragraphs(holder, normalised(placeholder))
    if paragraphs and passed.carried:
        holder.extend(passed.carried)
        paragraphs += [_note_text(note) for note in passed.carried if note.tag == RM_NOTE]
    return Cleaned(holder, paragraphs, passed.dropped | passed.marked, passed.marked)


def _note_text(note: etree._Element) -> list[str]:
    """A note in the answer's text, after its paragraphs: "[1] Källa: SCB 2015." """
    texts = [paragraph_text(p) for p in note.iter(_P)]
    return [f"[{note.get(RM_ID)}] {' '.join(t for t in texts if t.strip())}"]


def _copied(blocks: list[etree._Element], facts: BodyFacts) -> etree._Element:
    """A `<w:sdtContent>` declaring w, holding deep copies of the blocks (lxml's copy is deep).

    Blocks that are all of a control's content are copied in one go, with their sdtContent:
    when that declares nothing but w (no other namespace is used in it, nor declared below
    the document element), the copy is the same tree as copying block by block.
    """
    content = blocks[0].getparent() if blocks and facts.declared_on_top else None
    if content is not None and content.tag == _SDT_CONTENT and list(content) == blocks:
        holder = copy.copy(content)
        if holder.nsmap == _NSMAP and not holder.attrib:
            holder.text = holder.tail = None
            return holder
    holder = etree.Element(_SDT_CONTENT, nsmap=_NSMAP)
    holder.extend([copy.copy(block) for block in blocks])
    return holder


def _kept_paragraphs(holder: etree._Element, unchanged: str) -> list[list[str]]:
    """Remove the blocks that only repeat the placeholder, then the blank paragraphs editors
    leave before and after an answer; the paragraph texts of each block that stays."""
    first_word = unchanged.partition(" ")[0]
    kept: list[tuple[etree._Element, list[str]]] = []
    for block in list(holder):
        texts = [paragraph_text(p) for p in _paragraphs(block)]
        text = "\n".join(texts)
        # Only a text that starts with the placeholder's first word can repeat it.
        if unchanged and text.lstrip().startswith(first_word) and normalised(text) == unchanged:
            holder.remove(block)
        else:
            kept.append((block, texts))

    def blank(found: tuple[etree._Element, list[str]]) -> bool:
        return found[0].tag == _P and not found[1][0].strip()

    start, end = 0, len(kept)
    while start < end and blank(kept[start]):
        start += 1
    while end > start and blank(kept[end - 1]):
        end -= 1
    for block, _texts in kept[:start] + kept[end:]:
        holder.remove(block)
    return [texts for _block, texts in kept[start:end]]


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
            elif node.tag == RM_NOTE_REF:
                parts.append(f"[{node.get(RM_ID)}]")
            elif node.tag == RM_IMAGE:
                descr = node.get(_RM_DESCR, "").strip()
                parts.append(f"[Bild: {descr}]" if descr else "[Bild]")
    return "".join(parts)


def normalised(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(block: etree._Element) -> Iterable[etree._Element]:
    return [block] if block.tag == _P else block.iter(_P)
