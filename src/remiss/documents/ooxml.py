"""Namespaces and small XML helpers shared by the Word and Excel code."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the helpers need no lxml at import time
    from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CUSTOM_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

RT_CUSTOM_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CT_CUSTOM_PROPS = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
# The fmtid every custom property uses (the "user defined properties" property set).
CUSTOM_PROPS_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element, e.g. w('p') -> '{...}p'."""
    return f"{{{W}}}{tag}"


# Run properties that hide a run's text: the annex drops such a run, and whatever it holds.
HIDDEN_RUN = frozenset({w("vanish"), w("specVanish"), w("webHidden")})


def shown(run_properties: etree._Element | None) -> bool:
    """Whether a run with these properties (its w:rPr, or None) is printed."""
    return run_properties is None or not any(child.tag in HIDDEN_RUN for child in run_properties)
