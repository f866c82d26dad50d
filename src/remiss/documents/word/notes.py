"""Carrying an answer's footnotes and endnotes, with their formatting.

A note reference points into the respondent's footnotes.xml or endnotes.xml. Each one
becomes `<rm:noteRef rm:kind="footnote" rm:id="1"/>` in its run, and the note's own
paragraphs travel after the answer's blocks as

    <rm:note rm:kind="footnote" rm:id="1"> w:p… </rm:note>

without the note's own number mark (the annex writes a fresh one). The annex turns them
into real notes of its own (annex.notes); a reference whose note is not there is dropped,
so no annex ever points at a note it lacks.
"""

from __future__ import annotations

import copy

from lxml import etree

from remiss.documents.ooxml import w
from remiss.documents.word.media import RM, PackageMedia

RM_NOTE = f"{{{RM}}}note"
RM_NOTE_REF = f"{{{RM}}}noteRef"
RM_KIND = f"{{{RM}}}kind"
RM_ID = f"{{{RM}}}id"
KINDS = {w("footnoteReference"): "footnote", w("endnoteReference"): "endnote"}
_OWN_MARKS = (w("footnoteRef"), w("endnoteRef"))
_NOTE_CONTENT = (w("p"), w("tbl"))


class NoteCarrier:
    """Rewrites one answer's note references in place; the rm:note elements they now use."""

    def __init__(self, media: PackageMedia) -> None:
        self._media = media
        self._notes: dict[str, dict[str, etree._Element]] = {}
        self.dropped: set[str] = set()

    def _note(self, kind: str, note_id: str) -> etree._Element | None:
        if kind not in self._notes:
            root = self._media.part(f"{kind}s")
            found = [] if root is None else root.iterchildren(w(kind))
            self._notes[kind] = {note.get(w("id"), ""): note for note in found}
        note = self._notes[kind].get(note_id)
        if note is None or note.get(w("type"), "normal") != "normal":
            return None
        return note

    def carry(self, holder: etree._Element) -> list[etree._Element]:
        carried: list[etree._Element] = []
        for reference in list(holder.iter(*KINDS)):
            kind = KINDS[reference.tag]
            note = self._note(kind, reference.get(w("id"), ""))
            if note is None:
                self.dropped.add("fotnoter" if kind == "footnote" else "slutnoter")
                reference.getparent().remove(reference)
                continue
            number = str(len(carried) + 1)
            marker = etree.Element(RM_NOTE_REF, nsmap={"rm": RM})
            marker.attrib.update({RM_KIND: kind, RM_ID: number})
            reference.getparent().replace(reference, marker)
            body = etree.Element(RM_NOTE, nsmap={"rm": RM})
            body.attrib.update({RM_KIND: kind, RM_ID: number})
            body.extend(copy.copy(block) for block in note if block.tag in _NOTE_CONTENT)
            _remove_own_marks(body)
            carried.append(body)
        return carried


def _remove_own_marks(note: etree._Element) -> None:
    """The note's number mark, and the space Word types after it."""
    for mark in list(note.iter(*_OWN_MARKS)):
        run = mark.getparent()
        following = run.getnext() if run is not None else None
        if run is not None and run.tag == w("r") and all(c.tag in (w("rPr"), *_OWN_MARKS) for c in run):
            run.getparent().remove(run)
        else:
            mark.getparent().remove(mark)
            continue
        if following is not None and following.tag == w("r"):
            text = following.find(w("t"))
            if text is not None and text.text and text.text.startswith(" "):
                text.text = text.text[1:]
                if not text.text and len(following) == 1 + (following[0].tag == w("rPr")):
                    following.getparent().remove(following)
