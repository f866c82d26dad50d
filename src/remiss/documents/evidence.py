"""What a returned file says about itself: its kind, custom properties and visible reference.

Runs after the package safety checks and before any answer is read, so that a macro file
or a file of the wrong kind is refused without parsing its content.
"""

from __future__ import annotations

import re
import zipfile

from remiss.documents.model import Evidence
from remiss.documents.package import open_package, read_member
from remiss.documents.properties import read_custom_properties
from remiss.errors import RejectedFile
from remiss.identity import parse_reference

_REFERENCE_PARTS = re.compile(
    r"^(word/(footer|header)\d*\.xml|xl/sharedStrings\.xml|xl/worksheets/sheet1\.xml)$"
)
_TAGS = re.compile(rb"<[^>]+>")


def read_evidence(data: bytes, name: str) -> tuple[Evidence, zipfile.ZipFile]:
    """Evidence plus the opened package, or RejectedFile with a Swedish reason."""
    package = open_package(data, name)
    kind = _kind(package, name)
    evidence = Evidence(
        kind=kind, properties=read_custom_properties(package), reference=_reference(package, name)
    )
    return evidence, package


def _kind(package: zipfile.ZipFile, name: str) -> str:
    members = set(package.namelist())
    content_types = read_member(package, "[Content_Types].xml", name).decode("utf-8", "replace")
    if any(m.lower().endswith("vbaproject.bin") for m in members) or "macroEnabled" in content_types:
        raise RejectedFile(
            f"{name} innehåller makron (.docm/.xlsm). Av säkerhetsskäl tas sådana filer inte emot. "
            "Spara filen som vanlig .docx eller .xlsx (utan makron) och skicka den igen.",
            code="macro",
        )
    if "word/document.xml" in members:
        return "docx"
    if "xl/workbook.xml" in members:
        return "xlsx"
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
