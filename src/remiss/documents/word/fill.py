"""Filling a response template the way a nämnd would in Word, for the demo and the tests.

Only the content of the controls changes, through python-docx's paragraph and run API
(it can edit inside a control once the control's element is in hand), so the file stays
what Word would have saved after someone typed into it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

from remiss.errors import DocumentError

LIST_STYLES = (("- ", "List Bullet"), ("1. ", "List Number"))
STYLE_OF = {"bullet": "List Bullet", "number": "List Number"}
_MARKUP = re.compile(
    r"\[(?P<a>[^\]]+)\]\((?P<href>(?:https?://|mailto:)[^)\s]+)\)"
    r"|\*\*(?P<b>.+?)\*\*|__(?P<u>.+?)__|\*(?P<i>.+?)\*"
)


@dataclass(frozen=True)
class Span:
    """A run of text with its emphasis; `href` makes it a hyperlink (http, https or mailto)."""

    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Block:
    """One paragraph of an answer: plain, or an item of a bulleted or numbered list."""

    spans: tuple[Span, ...]
    list: str | None = None  # None | "bullet" | "number"


def fill_response_docx(data: bytes, answers: dict[str, list[str]]) -> bytes:
    """Replace each tagged control's content with paragraphs of tiny markup.

    Markup: `**bold**`, `*italic*`, `__underline__`, `[text](https://…)`; a leading "- "
    makes a bulleted item, a leading "1. " a numbered one. Unknown tags raise DocumentError.
    """
    return fill_response_blocks(data, {tag: [parse_markup(p) for p in ps] for tag, ps in answers.items()})


def fill_response_blocks(data: bytes, answers: dict[str, list[Block]]) -> bytes:
    """Replace each tagged control's content with `Block`s (what the nämnd's page sends in)."""
    document = docx.Document(io.BytesIO(data))
    controls = _controls_by_tag(document)
    for tag, blocks in answers.items():
        sdt = controls.get(tag)
        if sdt is None:
            raise DocumentError(f"Mallen har inget svarsfält med taggen '{tag}'.")
        _replace_content(document, sdt, blocks)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def parse_markup(text: str) -> Block:
    """One paragraph of the tiny markup as a Block."""
    kind = None
    for prefix, style in LIST_STYLES:
        if text.startswith(prefix):
            kind = "bullet" if style == "List Bullet" else "number"
            text = text[len(prefix) :]
            break
    return Block(tuple(_spans(text)), kind)


def _controls_by_tag(document: docx.document.Document) -> dict[str, BaseOxmlElement]:
    controls: dict[str, BaseOxmlElement] = {}
    for sdt in document.element.body.iter(qn("w:sdt")):
        tag = sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")
        if tag is not None:
            controls.setdefault(tag.get(qn("w:val")), sdt)
    return controls


def _replace_content(document: docx.document.Document, sdt: BaseOxmlElement, blocks: list[Block]) -> None:
    """What typing over a placeholder does: new content, and the placeholder flag cleared."""
    showing = sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}")
    if showing is not None:
        showing.getparent().remove(showing)
    content = sdt.find(qn("w:sdtContent"))
    for child in list(content):
        content.remove(child)
    for block in blocks or [Block(())]:
        p = OxmlElement("w:p")
        content.append(p)
        _write_paragraph(document, Paragraph(p, document._body), block)


def _write_paragraph(document: docx.document.Document, paragraph: Paragraph, block: Block) -> None:
    if block.list:
        paragraph.style = document.styles[STYLE_OF[block.list]]
    for span in block.spans:
        run = paragraph.add_run(span.text)
        run.bold = span.bold or None
        run.italic = span.italic or None
        run.underline = span.underline or None
        if span.href:
            rel_id = paragraph.part.relate_to(span.href, RT.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), rel_id)
            run._r.addprevious(link)
            link.append(run._r)


def _spans(text: str) -> Iterator[Span]:
    """The pieces of one paragraph's markup."""
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            yield Span(text[position : match.start()])
        kind = match.lastgroup
        if kind == "href":
            yield Span(match.group("a"), href=match.group("href"))
        else:
            yield Span(match.group(kind), bold=kind == "b", italic=kind == "i", underline=kind == "u")
        position = match.end()
    if position < len(text):
        yield Span(text[position:])
