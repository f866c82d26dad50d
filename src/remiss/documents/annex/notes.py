"""The annex's footnotes and endnotes: the notes answers carried, as real notes of its own.

An answer carries each note as rm:note (its paragraphs) and each reference as rm:noteRef
(see word.notes). The fragment cleaner cleans a note's paragraphs with the same
allow-lists as the answer, and hands them here; the note gets the annex's next id and a
fresh number mark, and footnotes.xml / endnotes.xml are written with Word's two
separator notes first. A reference is written only for a note that is here.
"""

from __future__ import annotations

from remiss.documents.annex import styles as styles
from remiss.documents.annex.package import NAMESPACES

_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SEPARATORS = (
    '<w:{kind} w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:{kind}>'
    '<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
)
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
