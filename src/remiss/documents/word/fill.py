"""Filling a response template the way a nämnd would in Word, for the demo and the tests.

Only the content of the controls changes, through python-docx's paragraph and run API
(it can edit inside a control once the control's element is in hand), so the file stays
what Word would have saved after someone typed into it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import docx
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

from remiss.errors import DocumentError

LIST_STYLES = (("- ", "List Bullet"), ("1. ", "List Number"))
_MARKUP = re.compile(r"\*\*(?P<b>.+?)\*\*|__(?P<u>.+?)__|\*(?P<i>.+?)\*")


def fill_response_docx(data: bytes, answers: dict[str, list[str]]) -> bytes:
    """Replace each tagged control's content with paragraphs of tiny markup.

    Markup: `**bold**`, `*italic*`, `__underline__`; a leading "- " makes a bulleted
    item, a leading "1. " a numbered one. Unknown tags raise DocumentError.
    """
    document = docx.Document(io.BytesIO(data))
    controls = _controls_by_tag(document)
    for tag, paragraphs in answers.items():
        sdt = controls.get(tag)
        if sdt is None:
            raise DocumentError(f"Mallen har inget svarsfält med taggen '{tag}'.")
        _replace_content(document, sdt, paragraphs)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _controls_by_tag(document: docx.document.Document) -> dict[str, BaseOxmlElement]:
    controls: dict[str, BaseOxmlElement] = {}
    for sdt in document.element.body.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        if tag is not None:
            controls.setdefault(tag.get(qn("w:val")), sdt)
    return controls


def _replace_content(document: docx.document.Document, sdt: BaseOxmlElement, paragraphs: list[str]) -> None:
    """What typing over a placeholder does: new content, and the placeholder flag cleared."""
    showing = sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}")
    if showing is not None:
        showing.getparent().remove(showing)
    content = sdt.find(qn("w:sdtContent"))
    for child in list(content):
        content.remove(child)
    for text in paragraphs or [""]:
        p = OxmlElement("w:p")
        content.append(p)
        _write_paragraph(document, Paragraph(p, document._body), text)


def _write_paragraph(document: docx.document.Document, paragraph: Paragraph, text: str) -> None:
    for prefix, style in LIST_STYLES:
        if text.startswith(prefix):
            paragraph.style = document.styles[style]
            text = text[len(prefix) :]
            break
    for chunk, bold, italic, underline in _spans(text):
        run = paragraph.add_run(chunk)
        run.bold = bold or None
        run.italic = italic or None
        run.underline = underline or None


def _spans(text: str) -> Iterator[tuple[str, bool, bool, bool]]:
    """(text, bold, italic, underline) pieces of one paragraph's markup."""
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], False, False, False
        yield (
            match.group(match.lastgroup),
            match.lastgroup == "b",
            match.lastgroup == "i",
            match.lastgroup == "u",
        )
        position = match.end()
    if position < len(text):
        yield text[position:], False, False, False
