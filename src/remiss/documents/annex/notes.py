"""The annex's footnotes and endnotes: the notes answers carried, as real notes of its own.

An answer carries each note as rm:note (its paragraphs) and each reference as rm:noteRef
(see word.notes). The fragment cleaner cleans a note's paragraphs with the same
allow-lists as the answer, and hands them here; the note gets the annex's next id and a
fresh number mark, and footnotes.xml / endnotes.xml are written with Word's two
separator notes first. A reference is written only for a note that is here.

Ids are the annex's own, counted in the order the references are written, so two
förvaltningar's endnote 1 are two notes. Footnotes are numbered 1, 2, 3 at the foot of
their page; endnotes i, ii, iii (Word's default, never mistaken for a footnote's number),
after the annex's last paragraph, a heading of their own (ENDNOTES_TITLE, in the
contents): where Word prints endnotes, and a reader of a 60-page annex finds them.
"""

from __future__ import annotations

from lxml import etree

from remiss.documents.annex import styles as styles
from remiss.documents.annex.package import NAMESPACES
from remiss.documents.ooxml import shown, w
from remiss.documents.word.notes import RM_ID, RM_KIND, RM_NOTE, RM_NOTE_REF
from remiss.documents.xmlsafe import parse_untrusted
from remiss.errors import RejectedFile

_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SEPARATORS = (
    '<w:{kind} w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:{kind}>'
    '<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
)
ENDNOTES_TITLE = "Slutnoter"
PARTS = ("word/footnotes.xml", "word/endnotes.xml")
NOTE_PART = dict(zip(("footnote", "endnote"), PARTS, strict=True))  # kind -> its part


class AnnexNotes:
    """Collects the notes of the whole annex while its body is written."""

    def __init__(self) -> None:
        self._notes: dict[str, list[str]] = {"footnote": [], "endnote": []}

    def add(self, kind: str, paragraphs: list[str]) -> int:
        """The id of a new note holding `paragraphs` (cleaned w:p XML, no namespace declarations)."""
        notes = self._notes[kind]
        notes.append("".join(paragraphs))
        return len(notes)

    def parts(self) -> dict[str, bytes]:
        declarations = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
        found = {}
        for kind, part in NOTE_PART.items():
            notes = "".join(
                f'<w:{kind} w:id="{number}">{body}</w:{kind}>'
                for number, body in enumerate(self._notes[kind], start=1)
            )
            found[part] = (
                f"{_DECL}<w:{kind}s {declarations}>{_SEPARATORS.format(kind=kind)}{notes}</w:{kind}s>"
            ).encode()
        return found


def note_mark(kind: str) -> str:
    """The run that shows a note's number at the start of its text."""
    reference = styles.NOTE_STYLES[kind][1]
    return (
        f'<w:r><w:rPr><w:rStyle w:val="{reference}"/></w:rPr><w:{kind}Ref/></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
    )


def carries_endnote(xml: str) -> bool:
    """Whether a stored answer holds an endnote reference with its note (which the annex
    then writes), in a run that is printed: a reference in hidden text is dropped with its run,
    and the endnotes' heading must not stand over nothing. Parsed only when its text mentions
    an endnote: few answers do."""
    if 'kind="endnote"' not in xml:
        return False
    try:
        root = parse_untrusted(xml.encode("utf-8"), "svar")
    except RejectedFile:
        return False
    notes = {n.get(RM_ID) for n in root.iter(RM_NOTE) if n.get(RM_KIND) == "endnote"}
    return any(
        r.get(RM_KIND) == "endnote" and r.get(RM_ID) in notes and _printed(r) for r in root.iter(RM_NOTE_REF)
    )


def _printed(reference: etree._Element) -> bool:
    run = reference.getparent()
    return run is None or shown(run.find(w("rPr")))
