"""Returned Word files as a nämnd makes them: python-docx edits inside the answer's control.

fill_response_docx types paragraphs, bold/italic/underline and lists; what it cannot do
(pictures, links, tables, tracked changes, comments) is added here through python-docx on
the filled file, inside the content control, the way Word itself would store it.
"""

from __future__ import annotations

import io
import struct
import zlib

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement, parse_xml
from docx.shared import Cm
from docx.text.paragraph import Paragraph

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (no imaging library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class Returned:
    """A filled response opened with python-docx, edited inside its controls, saved back."""

    def __init__(self, data: bytes) -> None:
        self.document = docx.Document(io.BytesIO(data))
        body = self.document.element.body
        self.controls = {
            sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}").get(qn("w:val")): sdt
            for sdt in body.iter(qn("w:sdt"))
            if sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}") is not None
        }

    def content(self, tag: str):
        return self.controls[tag].find(qn("w:sdtContent"))

    def paragraph(self, tag: str, text: str = "", style: str | None = None) -> Paragraph:
        p = OxmlElement("w:p")
        self.content(tag).append(p)
        paragraph = Paragraph(p, self.document._body)
        if style:
            paragraph.style = self.document.styles[style]
        if text:
            paragraph.add_run(text)
        return paragraph

    def picture(self, tag: str, image: bytes, alt: str, width_cm: float = 8.0) -> None:
        """A picture in a paragraph of its own, with alt text as Word's 'Alternativ text' sets it."""
        run = self.paragraph(tag).add_run()
        run.add_picture(io.BytesIO(image), width=Cm(width_cm))
        doc_pr = run._r.find(f".//{qn('wp:docPr')}")
        doc_pr.set("descr", alt)

    def link(self, tag: str, before: str, text: str, url: str) -> None:
        paragraph = self.paragraph(tag, before)
        rel_id = self.document.part.relate_to(url, RT.HYPERLINK, is_external=True)
        paragraph._p.append(
            parse_xml(
                f'<w:hyperlink xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                f'2006/relationships" r:id="{rel_id}" w:history="1"><w:r><w:rPr>'
                f'<w:rStyle w:val="Hyperlink"/></w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>'
            )
        )

    def table(self, tag: str, rows: list[list[str]], header: bool = False) -> None:
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        table.style = self.document.styles["Table Grid"]
        for cells, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(cells.cells, values, strict=True):
                cell.text = value
        if header:
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:tblHeader"))
        self.content(tag).append(table._tbl)  # moved from the end of the body into the control

    def xml(self, tag: str, snippet: str) -> None:
        """Raw WordprocessingML appended to the control (tracked changes, comments...)."""
        self.content(tag).append(parse_xml(f'<w:root xmlns:w="{W_NS}">{snippet}</w:root>')[0])

    def save(self) -> bytes:
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
