"""Custom document properties (docProps/custom.xml), read and written as raw package parts.

python-docx has no API for them and LibreOffice 25.2 writes a relationship spelling that
python-docx does not recognise, so identity is read straight from the zip.
"""

from __future__ import annotations

import zipfile
from xml.sax.saxutils import escape

from remiss.documents.ooxml import CUSTOM_PROPS, CUSTOM_PROPS_FMTID, VT
from remiss.documents.xmlsafe import parse_untrusted

CUSTOM_PART = "docProps/custom.xml"


def custom_properties_xml(props: dict[str, str]) -> bytes:
    """docProps/custom.xml holding string properties (strings survive LibreOffice intact)."""
    items = "".join(
        f'<property fmtid="{CUSTOM_PROPS_FMTID}" pid="{pid}" name="{escape(name, {chr(34): "&quot;"})}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(props.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{CUSTOM_PROPS}" xmlns:vt="{VT}">{items}</Properties>'
    ).encode()


def read_custom_properties(package: zipfile.ZipFile) -> dict[str, str]:
    """All custom properties as strings; {} when the part is absent (stripped by an editor)."""
    try:
        data = package.read(CUSTOM_PART)
    except KeyError:
        return {}
    root = parse_untrusted(data, CUSTOM_PART)
    props: dict[str, str] = {}
    for prop in root.iter(f"{{{CUSTOM_PROPS}}}property"):
        name = prop.get("name")
        value = next((child.text or "" for child in prop), "")
        if name:
            props[name] = _normalise(value)
    return props


def _normalise(value: str) -> str:
    """LibreOffice turns numeric-looking strings into floats (17 -> 17.0); undo that."""
    value = value.strip()
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value
