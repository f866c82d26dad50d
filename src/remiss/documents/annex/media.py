"""The annex's pictures and links: parts and relationships of its own, made from carried answers.

An answer carries its pictures as rm:image (bytes, size, alt text) and its links as
rm:href (see word_media). Here each picture becomes a media part of the annex and an
inline w:drawing pointing at it through a relationship id the annex chose; each link an
external relationship. The same picture sent by several förvaltningar (a logo) is stored
once; every drawing gets its own wp:docPr id, as Word requires. A picture or link in a
footnote or endnote gets its relationship in that notes part's own .rels.
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
# At most 70 % of the text area's height: a picture taller than that would leave no room above
# it for the åtgärd's heading, its description and the answer's label, which are kept with it
# (keepNext): they would stand alone on a page of their own, the picture on the next.
TEXT_HEIGHT_EMU = (16838 - 2 * 1418) * 635 * 7 // 10
_NSMAP_DECL = f'xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{WP}" xmlns:a="{A}" xmlns:pic="{PIC}"'


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool = False


class _Store:
    """The annex's media parts, shared by every part that shows pictures (document, notes)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # sha256 -> part name
        self.parts: dict[str, bytes] = {}
        self.drawings = 0  # wp:docPr ids: unique in the whole annex

    def add(self, digest: str, kind: str, data: bytes) -> str:
        if digest not in self.names:
            name = f"word/media/image{len(self.names) + 1}.{kind}"
            self.names[digest] = name
            self.parts[name] = data
        return self.names[digest]


class AnnexMedia:
    """Collects the pictures and links of one part of the annex while it is written.

    The main document's is made first; `of_part` gives a notes part's, which shares the
    media parts but has relationships of its own (a relationship id means something only
    in the part whose .rels holds it)."""

    def __init__(self, store: _Store | None = None) -> None:
        self._store = store or _Store()
        self._images: dict[str, str] = {}  # sha256 -> rel id
        self._links: dict[str, str] = {}  # address -> rel id
        self._relationships: list[Relationship] = []
        self._others: dict[str, AnnexMedia] = {}

    @property
    def parts(self) -> dict[str, bytes]:
        """Media part name ("word/media/image1.png") -> bytes."""
        return dict(self._store.parts)

    @property
    def relationships(self) -> list[Relationship]:
        return list(self._relationships)

    def of_part(self, name: str) -> AnnexMedia:
        """The pictures and links of another part of the annex ("word/footnotes.xml")."""
        if name not in self._others:
            self._others[name] = AnnexMedia(self._store)
        return self._others[name]

    def part_relationships(self) -> dict[str, list[Relationship]]:
        """The other parts' relationships, for those that have any: part name -> relationships."""
        return {name: media.relationships for name, media in self._others.items() if media._relationships}

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
        name = self._store.add(digest, kind, data)
        if digest not in self._images:
            rel_id = f"rIdImg{len(self._images) + 1}"
            self._images[digest] = rel_id
            self._relationships.append(Relationship(rel_id, IMAGE_TYPE, name.removeprefix("word/")))
        rel_id = self._images[digest]
        cx, cy = _size(_attr_int(image, "cx"), _attr_int(image, "cy"), width_px, height_px)
        self._store.drawings += 1
        descr = xml_safe(image.get(f"{{{RM}}}descr", ""))
        return etree.fromstring(_drawing_xml(self._store.drawings, rel_id, name, cx, cy, descr))


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
