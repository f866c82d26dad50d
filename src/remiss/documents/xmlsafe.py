"""Parsing XML from returned files: no DTDs, no entities, no network, bounded size.

Running out of memory (the worker's address-space limit) raises MemoryError, never a
misleading "invalid XML" refusal: the intake pool turns it into its own Swedish reason.
"""

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
        if _out_of_memory(exc):  # libxml2 reports a failed allocation as a syntax error
            raise MemoryError(f"XML-delen {part} får inte plats i minnet") from None
        raise RejectedFile(f"Delen {part} är inte giltig XML ({exc.msg}).", code="xml-invalid") from None
    if root.getroottree().docinfo.doctype:
        raise RejectedFile(
            f"Delen {part} innehåller en DOCTYPE-deklaration. Filen tas inte emot av säkerhetsskäl.",
            code="xml-doctype",
        )
    return root


def _out_of_memory(exc: etree.XMLSyntaxError) -> bool:
    no_memory = etree.ErrorTypes.ERR_NO_MEMORY
    return exc.code == no_memory or any(e.type == no_memory for e in exc.error_log)
