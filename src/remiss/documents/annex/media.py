"""The annex's pictures and links: parts and relationships of its own, made from carried answers.

An answer carries its pictures as rm:image (bytes, size, alt text) and its links as
rm:href (see word_media). Here each picture becomes a media part of the annex and an
inline w:drawing pointing at it through a relationship id the annex chose; each link an
external relationship. The same picture sent by several förvaltningar (a logo) is stored
once; every drawing gets its own wp:docPr id, as Word requires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree

from remiss.documents.ooxml import R, W
from remiss.documents.word.media import RM, WP, image_info, safe_link, xml_safe

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
IMAGE_TYPE, HYPERLINK_TYPE = f"{_RT}/image", f"{_RT}/hyperlink"
# The text area of the annex's A4 page (annex_styles.SECTION_GEOMETRY), in EMU.
TEXT_WIDTH_EMU = (11906 - 2 * 1418) * 635
TEXT_HEIGHT_EMU = (16838 - 2 * 1418) * 635 - 914400  # leave room for a label and a caption
_NSMAP_DECL = f'xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}"'


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool = False


class AnnexMedia:
    """Collects the pictures and links of the whole annex while its body is written."""

    def __init__(self) -> None:
        self._images: dict[str, tuple[str, str]] = {}  # sha256 -> (rel id, part name)
        self._links: dict[str, str] = {}  # address -> rel id
        self._parts: dict[str, bytes] = {}
        self._relationships: list[Relationship] = []
        self._drawings = 0

    @property
    def parts(self) -> dict[str, bytes]:
        """Media part name ("word/media/image1.png") -> bytes."""
        return dict(self._parts)

    @property
    def relationships(self) -> list[Relationship]:
        return list(self._relationships)

    def link(self, address: str) -> str | None:
        """The relationship id of a web or mail link; None for an address the annex will not link."""
        safe = safe_link(address)
        if safe is None:
            return None
        if safe not in self._links:
            rel_id = f"rIdLink{len(self._links) + 1}"
            self._links[safe] = rel_id
            self._relationships.append(Relationship(rel_id, HYPERLINK_TYPE, safe, external=True))
        return self._links[safe]

    def drawing(self, image: etree._Element) -> etree._Element | None:
        """A w:drawing for a carried rm:image; None when its bytes are not a PNG, JPEG or GIF."""
        try:
            data = base64.b64decode(image.text or "", validate=True)
        except (binascii.Error, ValueError):
            return None
        info = image_info(data)
        if info is None:
            return None
        kind, width_px, height_px = info
        digest = hashlib.sha256(data).hexdigest()
        if digest not in self._images:
            number = len(self._images) + 1
            name = f"word/media/image{number}.{kind}"
            self._images[digest] = (f"rIdImg{number}", name)
            self._parts[name] = data
            target = name.removeprefix("word/")
            self._relationships.append(Relationship(f"rIdImg{number}", IMAGE_TYPE, target))
        rel_id, name = self._images[digest]
        cx, cy = _size(_attr_int(image, "cx"), _attr_int(image, "cy"), width_px, height_px)
        self._drawings += 1
        descr = xml_safe(image.get(f"{{{RM}}}descr", ""))
        return etree.fromstring(_drawing_xml(self._drawings, rel_id, name, cx, cy, descr))


def _attr_int(image: etree._Element, name: str) -> int:
    value = image.get(f"{{{RM}}}{name}", "")
    return int(value) if value.isdigit() else 0


def _size(cx: int, cy: int, width_px: int, height_px: int) -> tuple[int, int]:
    """The answer's display size, scaled down (never up) to fit the annex's text area."""
    if cx <= 0 or cy <= 0:
        cx, cy = max(width_px, 1) * 9525, max(height_px, 1) * 9525
    scale = min(1.0, TEXT_WIDTH_EMU / cx, TEXT_HEIGHT_EMU / cy)
    return max(int(cx * scale), 1), max(int(cy * scale), 1)


def _drawing_xml(number: int, rel_id: str, name: str, cx: int, cy: int, descr: str) -> str:
    """An inline picture as Word writes one; the alt text goes to wp:docPr/@descr."""
    alt = quoteattr(descr)
    file_name = quoteattr(name.rsplit("/", 1)[-1])
    return (
        f'<w:drawing {_NSMAP_DECL}><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{number}" name="Bild {number}" descr={alt}/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        f'<a:graphic><a:graphicData uri="{PIC}"><pic:pic>'
        f'<pic:nvPicPr><pic:cNvPr id="0" name={file_name} descr={alt}/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:embed="{rel_id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
