"""Accessibility checks on a built annex (`remiss annex --check`), as a Swedish list of failures.

The law on accessibility of public digital services (lag 2018:1937, EN 301 549) applies to
documents the city publishes. What can be checked mechanically is checked here:

.docx: language sv-SE, a title, real heading styles used in order without skipped levels,
tables with a marked header row, pictures with alt text.
.pdf (when one was made): language tag, PDF/A-2b identification, tagged (structure tree),
title shown instead of the file name.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from remiss.documents.ooxml import W, w
from remiss.documents.word.media import WP
from remiss.documents.xmlsafe import parse_untrusted
from remiss.errors import DocumentError, RejectedFile

LANGUAGE = "sv-SE"
_DC = "http://purl.org/dc/elements/1.1/"
_HEADING = re.compile(r"^Heading([1-9])$")
_NS = {"w": W, "wp": WP, "dc": _DC}


def check_docx(data: bytes, name: str) -> list[str]:
    """What fails in the .docx at `name`; an empty list when everything passes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            body = parse_untrusted(package.read("word/document.xml"), "word/document.xml")
            core = parse_untrusted(package.read("docProps/core.xml"), "docProps/core.xml")
            styles = parse_untrusted(package.read("word/styles.xml"), "word/styles.xml")
    except (KeyError, zipfile.BadZipFile, OSError, RejectedFile) as exc:
        raise DocumentError(f"{name} kan inte granskas: filen är inte en läsbar bilaga ({exc}).") from None
    failures = []
    language = core.findtext(f"{{{_DC}}}language") or ""
    default_language = styles.xpath("string(w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val)", namespaces=_NS)
    if language != LANGUAGE or default_language != LANGUAGE:
        found = language or default_language or "inget"
        failures.append(f"{name}: dokumentets språk är inte svenska ({LANGUAGE}) utan {found}.")
    if not (core.findtext(f"{{{_DC}}}title") or "").strip():
        failures.append(f"{name}: dokumentet saknar titel (Arkiv > Egenskaper > Titel).")
    failures += _headings_and_content(body, styles, name)
    return failures


def _headings_and_content(body: etree._Element, styles: etree._Element, name: str) -> list[str]:
    real_headings = {
        style.get(w("styleId"))
        for style in styles.iter(w("style"))
        if style.find(f"{w('pPr')}/{w('outlineLvl')}") is not None
    }
    failures: list[str] = []
    where: dict[int, str] = {}
    previous = 0
    for element in body.iter(w("p"), w("tbl"), f"{{{WP}}}docPr"):
        if element.tag == w("p"):
            style = element.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=_NS)
            match = _HEADING.match(style)
            if not match:
                continue
            level, title = int(match.group(1)), _text(element)
            if style not in real_headings:
                failures.append(f"{name}: rubriken ”{title}” har formatmallen {style} utan rubriknivå.")
            if level > previous + 1:
                failures.append(
                    f"{name}: rubriknivån hoppar från {previous} till {level} vid ”{title}” "
                    "(rubriker ska följa varandra utan att hoppa över en nivå)."
                )
            previous = level
            where = {k: v for k, v in where.items() if k < level} | {level: title}
        elif element.tag == w("tbl"):
            first = element.find(w("tr"))
            if first is not None and first.find(f"{w('trPr')}/{w('tblHeader')}") is None:
                failures.append(f"{name}: tabell utan markerad rubrikrad {_place(where)}.")
        elif not (element.get("descr") or "").strip():
            failures.append(f"{name}: bild utan alternativtext {_place(where)}.")
    if previous == 0:
        failures.append(f"{name}: dokumentet har inga rubriker i rubrikformat.")
    return failures


def _place(where: dict[int, str]) -> str:
    path = " › ".join(where[level] for level in sorted(where) if level >= 2)
    return f"under ”{path}”" if path else "före första rubriken"


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(w("t"))).strip()


def check_pdf(data: bytes, name: str) -> list[str]:
    """What fails in the PDF at `name`, read from its catalog and XMP metadata."""
    failures = []
    language = re.search(rb"/Lang\s*\(([^)]*)\)", data)
    if language is None or language.group(1).decode("latin-1") != LANGUAGE:
        found = language.group(1).decode("latin-1") if language else "inget"
        failures.append(f"{name}: PDF:ens språk är inte {LANGUAGE} utan {found}.")
    part = re.search(rb"<pdfaid:part>\s*(\d)\s*</pdfaid:part>|pdfaid:part=\"(\d)\"", data)
    conformance = re.search(rb"<pdfaid:conformance>\s*(\w)\s*<|pdfaid:conformance=\"(\w)\"", data)
    if not (part and b"2" in part.group(0) and conformance and b"B" in conformance.group(0).upper()):
        failures.append(f"{name}: PDF:en är inte märkt som PDF/A-2b.")
    if not re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", data) or b"/StructTreeRoot" not in data:
        failures.append(f"{name}: PDF:en är inte taggad (ingen struktur för skärmläsare).")
    if not re.search(rb"/DisplayDocTitle\s+true", data):
        failures.append(f"{name}: PDF:en visar filnamnet i stället för dokumentets titel.")
    if not re.search(rb"<dc:title>\s*<rdf:Alt>\s*<rdf:li[^>]*>[^<\s]", data):
        failures.append(f"{name}: PDF:en saknar titel i sina metadata.")
    return failures
