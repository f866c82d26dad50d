"""What a returned file says about itself: its kind, custom properties and visible reference.

Runs after the package safety checks and before any answer is read, so that a macro file,
an XML part with a DOCTYPE or a file of the wrong kind is refused without parsing its
content. `read_headings` is the last resort for identification: the "Nämnd:",
"Förvaltning:" and "Diarienummer:" lines of the template's heading block.
"""

from __future__ import annotations

import re
import zipfile
from html import unescape

from remiss.documents.model import Evidence
from remiss.documents.ooxml import w
from remiss.documents.package import open_package, read_member, read_member_head
from remiss.documents.properties import read_custom_properties
from remiss.documents.word.clean import normalised, paragraph_text
from remiss.documents.xmlsafe import parse_untrusted
from remiss.domain.outcomes import FileKind
from remiss.errors import RejectedFile
from remiss.identity import parse_reference

_REFERENCE_PARTS = re.compile(
    r"^(word/(footer|header)\d*\.xml|xl/sharedStrings\.xml|xl/worksheets/sheet1\.xml)$"
)
_TAGS = re.compile(rb"<[^>]+>")
# DOCTYPE/ENTITY in UTF-8 and in the UTF-16 encodings an XML part may use.
_DECLARATIONS = tuple(
    text.encode(encoding)
    for text in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
HEADING_LABELS = ("Diarienummer", "Nämnd", "Förvaltning")
_HEADING_LINE = re.compile(rf"^({'|'.join(HEADING_LABELS)})\s*:\s*(.+)$")
_HEADING_SCAN = 40  # the heading block is at the top: paragraphs / strings looked at
_SHEET_PARTS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
_STRING_ITEM = re.compile(rb"<(?:\w+:)?(?:si|is)\b[^>]*>(.*?)</(?:\w+:)?(?:si|is)>", re.DOTALL)
_STRING_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", re.DOTALL)


def read_evidence(data: bytes, name: str) -> tuple[Evidence, zipfile.ZipFile]:
    """Evidence plus the opened package, or RejectedFile with a Swedish reason."""
    package = open_package(data, name)
    refuse_declarations(package, name)
    kind = _kind(package, name)
    evidence = Evidence(
        kind=kind, properties=read_custom_properties(package), reference=_reference(package, name)
    )
    return evidence, package


def refuse_declarations(package: zipfile.ZipFile, name: str) -> None:
    """No Office part ever has a DOCTYPE: one anywhere (XXE, billion laughs) refuses the file.

    Only the first 4 KB of each XML part is inflated: a declaration must precede the root.
    """
    for member in package.namelist():
        if member.lower().endswith((".xml", ".rels", ".vml")):
            head = read_member_head(package, member, name)
            if any(marker in head for marker in _DECLARATIONS):
                raise RejectedFile(
                    f"{name}: delen {member} innehåller en DOCTYPE- eller ENTITY-deklaration, vilket "
                    "aldrig förekommer i Word- eller Excelfiler. Filen tas inte emot av säkerhetsskäl.",
                    code="xml-doctype",
                )


def read_headings(package: zipfile.ZipFile, kind: str, name: str) -> dict[str, str]:
    """{"Diarienummer": …, "Nämnd": …, "Förvaltning": …} from the heading block, as far as found."""
    lines = _word_lines(package, name) if kind == "docx" else _sheet_lines(package, name)
    found: dict[str, str] = {}
    for line in lines:
        match = _HEADING_LINE.match(normalised(line))
        if match and match.group(1) not in found:
            found[match.group(1)] = match.group(2).strip()
    return found


def _word_lines(package: zipfile.ZipFile, name: str) -> list[str]:
    root = parse_untrusted(read_member(package, "word/document.xml", name), "word/document.xml")
    lines = []
    for p in root.iter(w("p")):
        lines.append(paragraph_text(p))
        if len(lines) >= _HEADING_SCAN:
            break
    return lines


def _sheet_lines(package: zipfile.ZipFile, name: str) -> list[str]:
    """Texts of the first strings of the answer sheet (inline, as issued, or shared, after Excel)."""
    lines: list[str] = []
    members = set(package.namelist())
    for part in _SHEET_PARTS:
        if part in members:
            data = read_member(package, part, name)
            for item in _STRING_ITEM.finditer(data):
                text = b"".join(_STRING_TEXT.findall(item.group(1))).decode("utf-8", "replace")
                lines.append(unescape(text))
                if len(lines) >= _HEADING_SCAN:
                    break
    return lines


def _kind(package: zipfile.ZipFile, name: str) -> FileKind:
    members = set(package.namelist())
    if "mimetype" in members and b"opendocument" in read_member_head(package, "mimetype", name, 200):
        raise RejectedFile(
            f"{name} är i OpenDocument-format (.odt/.ods). Spara filen som Word-dokument (.docx) eller "
            "Excel-arbetsbok (.xlsx) och skicka den igen.",
            code="opendocument",
        )
    content_types = read_member(package, "[Content_Types].xml", name).decode("utf-8", "replace")
    if any(m.lower().endswith("vbaproject.bin") for m in members) or "macroenabled" in content_types.lower():
        raise RejectedFile(
            f"{name} innehåller makron (.docm/.xlsm). Av säkerhetsskäl tas sådana filer inte emot. "
            "Spara filen som vanlig .docx eller .xlsx (utan makron) och skicka den igen.",
            code="macro",
        )
    if "word/document.xml" in members:
        return FileKind.DOCX
    if "xl/workbook.xml" in members:
        return FileKind.XLSX
    raise RejectedFile(
        f"{name} är varken ett Worddokument (.docx) eller en Excelfil (.xlsx).", code="unknown-kind"
    )


def _reference(package: zipfile.ZipFile, name: str) -> tuple[str, str, str] | None:
    for member in sorted(package.namelist()):
        if _REFERENCE_PARTS.match(member):
            text = _TAGS.sub(b"", read_member(package, member, name)).decode("utf-8", "replace")
            found = parse_reference(text)
            if found:
                return found
    return None
