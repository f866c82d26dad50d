"""Parsing XML from returned files: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

from lxml import etree

from remiss.errors import RejectedFile

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    dtd_validation=False,
    load_dtd=False,
    huge_tree=False,
    remove_blank_text=False,
)


def parse_untrusted(data: bytes, part: str) -> etree._Element:
    """Parse one package part; a DOCTYPE (XXE, billion laughs) refuses the whole file."""
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise RejectedFile(
            f"Delen {part} innehåller en DOCTYPE- eller ENTITY-deklaration, vilket aldrig "
            "förekommer i Word- eller Excelfiler. Filen tas inte emot av säkerhetsskäl.",
            code="xml-doctype",
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise RejectedFile(f"Delen {part} är inte giltig XML ({exc.msg}).", code="xml-invalid") from None
    if root.getroottree().docinfo.doctype:
        raise RejectedFile(
            f"Delen {part} innehåller en DOCTYPE-deklaration. Filen tas inte emot av säkerhetsskäl.",
            code="xml-doctype",
        )
    return root
