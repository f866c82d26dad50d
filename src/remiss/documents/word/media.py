"""Carrying an answer's images and hyperlinks out of the respondent's package.

A fragment is XML text with no package around it, so what points into the respondent's
relationships is resolved while the package is at hand and written into the fragment
under remiss's own namespace:

- a picture (`w:drawing` with a `pic:pic`, or a VML `v:imagedata`) becomes
  `<rm:image rm:type="png" rm:cx="…" rm:cy="…" rm:descr="alt text">base64</rm:image>`
  inside its run: the bytes (PNG, JPEG or GIF, checked by their signature, at most
  MAX_IMAGE_BYTES), the displayed size in EMU and the alt text (`wp:docPr/@descr`);
- a hyperlink to a web or mail address keeps its element, with `rm:href="https://…"`
  instead of the respondent's `r:id`.

The annex writer re-creates media parts and relationships with ids of its own from these;
it never sees, let alone trusts, a respondent's rId. Anything in the remiss namespace that
arrives in a returned file is removed first, so a respondent cannot forge these elements.
What cannot be carried (charts, text boxes, linked or vector images) is reported.
"""

from __future__ import annotations

import base64
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from remiss.documents.ooxml import PKG_RELS, R, w
from remiss.documents.xmlsafe import parse_untrusted
from remiss.errors import RejectedFile

RM = "urn:x-remiss:answer:1"
RM_IMAGE = f"{{{RM}}}image"
RM_HREF = f"{{{RM}}}href"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ANSWER_IMAGE_BYTES = 15 * 1024 * 1024
EMU_PER_PIXEL = 9525  # at 96 dpi
EMU_PER_POINT = 12700
MAX_EMU = 20_000_000  # about 55 cm: anything larger is not a real size

WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PIC_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
V = "urn:schemas-microsoft-com:vml"
_DOCUMENT_PART = "word/document.xml"
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_GRAPHIC_KINDS = {
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "diagram",
    "http://schemas.microsoft.com/office/drawing/2014/chartex": "diagram",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "SmartArt-grafik",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape": "figurer och textrutor",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup": "figurer och textrutor",
}
_MARKED_KINDS = {  # what the visible line calls what stood there; shapes without text get none
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "Diagram",
    "http://schemas.microsoft.com/office/drawing/2014/chartex": "Diagram",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram": "SmartArt-grafik",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape": None,
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup": None,
}
NOT_INCLUDED = "ingår inte i sammanställningen"
_TXBX_CONTENT = w("txbxContent")
_BLOCK_CONTAINERS = frozenset({w("sdtContent"), w("tc"), w("body"), w("txbxContent")})
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_VML_SIZE = re.compile(r"(width|height)\s*:\s*([\d.]+)\s*(pt|in|cm|mm|px)?", re.IGNORECASE)
_UNIT_EMU = {"pt": EMU_PER_POINT, "in": 914400, "cm": 360000, "mm": 36000, "px": EMU_PER_PIXEL, "": 12700}


@dataclass(frozen=True)
class _Relationship:
    type: str
    target: str
    external: bool


@dataclass
class PackageMedia:
    """One part's relationships (the main document's, or a notes part's) and the package's media."""

    package: zipfile.ZipFile | None
    relationships: dict[str, _Relationship] = field(default_factory=dict)
    _parts: dict[str, etree._Element | None] = field(default_factory=dict)
    base: str = "word"  # the folder of the part: relationship targets are relative to it
    _related: dict[str, PackageMedia | None] = field(default_factory=dict)

    @classmethod
    def load(cls, package: zipfile.ZipFile, part: str = _DOCUMENT_PART) -> PackageMedia:
        """The relationships of `part`; a part without them carries no media.

        `package` (from package.open_package) must stay open while images are read."""
        base, name = posixpath.split(part)
        rels_part = posixpath.join(base, "_rels", f"{name}.rels")
        try:
            raw = package.read(rels_part)
            root = parse_untrusted(raw, rels_part)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RejectedFile):
            return cls(package, base=base)
        found = {}
        for rel in root.iter(f"{{{PKG_RELS}}}Relationship"):
            rel_id, target = rel.get("Id"), rel.get("Target")
            if rel_id and target:
                external = rel.get("TargetMode") == "External"
                found[rel_id] = _Relationship(rel.get("Type", ""), target, external)
        return cls(package, found, base=base)

    def _member(self, target: str) -> str:
        """The zip member a relationship's internal target names."""
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(self.base, target)).lstrip("/")

    def image(self, rel_id: str) -> bytes | None:
        rel = self.relationships.get(rel_id)
        if rel is None or rel.external or not rel.type.endswith("/image") or self.package is None:
            return None
        member = self._member(rel.target)
        try:
            info = self.package.getinfo(member)
            if info.file_size > MAX_IMAGE_BYTES:
                return None
            return self.package.read(info)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return None

    def part(self, kind: str) -> etree._Element | None:
        """The parsed part the main document relates to by type `kind` ("numbering", "styles",
        "footnotes", "endnotes"), read when first asked for: most answers need none of them."""
        if kind not in self._parts:
            self._parts[kind] = self._read_part(kind)
        return self._parts[kind]

    def _related_member(self, kind: str) -> str | None:
        rel = next(
            (r for r in self.relationships.values() if r.type.endswith(f"/{kind}") and not r.external), None
        )
        return None if rel is None or self.package is None else self._member(rel.target)

    def _read_part(self, kind: str) -> etree._Element | None:
        member = self._related_member(kind)
        if member is None or self.package is None:
            return None
        try:
            return parse_untrusted(self.package.read(member), member)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return None
        except RejectedFile:
            return None

    def related(self, kind: str) -> PackageMedia | None:
        """The media of the part related by type `kind` ("footnotes", "endnotes"): a note's
        pictures and links point through that part's own relationships, not the document's."""
        if kind not in self._related:
            member = self._related_member(kind)
            self._related[kind] = (
                None if member is None or self.package is None else self.load(self.package, member)
            )
        return self._related[kind]

    def hyperlink(self, rel_id: str) -> str | None:
        rel = self.relationships.get(rel_id)
        if rel is None or not rel.external or not rel.type.endswith("/hyperlink"):
            return None
        return safe_link(rel.target)


def safe_link(target: str) -> str | None:
    """A web or e-mail address as the annex may link it; None for anything else (file:, javascript:…)."""
    target = target.strip()
    if len(target) > 2048 or any(ch in target for ch in "\x00\r\n\t"):
        return None
    return target if target.lower().startswith(_LINK_SCHEMES) else None


def image_info(data: bytes) -> tuple[str, int, int] | None:
    """(type, width px, height px) of a PNG, JPEG or GIF by its signature; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return "gif", width, height
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg_info(data)
    return None


def _jpeg_info(data: bytes) -> tuple[str, int, int] | None:
    position = 2
    while position + 9 < len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return "jpeg", width, height
        position += 2 + length
    return None


def strip_forged(holder: etree._Element) -> None:
    """Remove anything in the remiss namespace a returned file brought with it."""
    for element in list(holder.iter(f"{{{RM}}}*")):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    for element in holder.iter():
        for attribute in [a for a in element.attrib if a.startswith(f"{{{RM}}}")]:
            del element.attrib[attribute]


@dataclass
class ImageBudget:
    """The picture bytes one answer has carried so far, its notes' included."""

    spent: int = 0


class MediaCarrier:
    """Rewrites one answer's pictures, links and text boxes in place; remembers what had to go.

    A text box's paragraphs are moved out after the paragraph that anchors it (its text is
    read in place); a chart, SmartArt, picture in a format the annex cannot show, linked
    picture or embedded object leaves a visible line where it was (`marked`)."""

    def __init__(self, media: PackageMedia, budget: ImageBudget | None = None) -> None:
        self.media = media
        self.dropped: set[str] = set()
        self.marked: set[str] = set()
        self.moved = False  # a text box's content was moved into the answer
        self.budget = budget if budget is not None else ImageBudget()

    def carry(self, holder: etree._Element) -> None:
        for link in list(holder.iter(w("hyperlink"))):
            self._link(link)
        for run in list(holder.iter(w("r"))):
            if self.moved and holder not in run.iterancestors():
                continue  # inside a text box's other rendering (mc:Fallback), already read
            for child in list(run):
                if child.tag in (w("drawing"), w("pict"), f"{{{MC}}}AlternateContent", w("object")):
                    if self._text_box(run, child):
                        self.moved = True
                    else:
                        self._picture(run, child)

    def _text_box(self, run: etree._Element, element: etree._Element) -> bool:
        """Move a text box's content after its anchoring block; False when it holds none."""
        content = next(iter(element.iter(_TXBX_CONTENT)), None)
        if content is None:
            return False
        blocks = [child for child in content if child.tag in (w("p"), w("tbl"))]
        anchor = run
        while anchor.getparent() is not None and anchor.getparent().tag not in _BLOCK_CONTAINERS:
            anchor = anchor.getparent()
        run.remove(element)
        for block in reversed(blocks):
            anchor.addnext(block)
        return True

    def _mark(
        self, run: etree._Element, element: etree._Element, kind: str, title: str, reported: str
    ) -> None:
        """A visible line where something the annex cannot show stood."""
        mark = run.makeelement(w("t"))
        mark.text = f"[{kind}: {title} – {NOT_INCLUDED}]" if title else f"[{kind} – {NOT_INCLUDED}]"
        mark.set(_XML_SPACE, "preserve")
        run.replace(element, mark)
        self.marked.add(reported)

    def _link(self, link: etree._Element) -> None:
        rel_id = link.get(f"{{{R}}}id")
        target = self.media.hyperlink(rel_id) if rel_id else None
        if target is None:
            return  # an internal link or none at all: unwrapped to its text later
        anchor = link.get(w("anchor"))
        if anchor and "#" not in target:
            target = f"{target}#{anchor}"
        link.attrib.clear()
        link.set(RM_HREF, target)

    def _picture(self, run: etree._Element, element: etree._Element) -> None:
        if element.tag == w("object"):
            self._mark(run, element, "Inbäddat objekt", _object_title(element), "inbäddade objekt")
            return
        drawing = pict = None
        if element.tag == f"{{{MC}}}AlternateContent":
            drawing = next(iter(element.iter(w("drawing"))), None)
            pict = next(iter(element.iter(w("pict"))), None)
            source = drawing if drawing is not None else pict
        else:
            source = element
        if source is None:
            run.remove(element)
            self.dropped.add("bilder")
            return
        found = self._from_drawing(source) if source.tag == w("drawing") else self._from_vml(source)
        if isinstance(found, _Unshown):
            if found.kind is None:
                run.remove(element)
                self.dropped.add(found.reported)
            else:
                self._mark(run, element, found.kind, found.title, found.reported)
            return
        rel_id, cx, cy, descr = found
        data = self.media.image(rel_id)
        info = image_info(data) if data else None
        if data is None or info is None:
            self._mark(run, element, "Bild", descr, "bilder i andra format än PNG, JPEG och GIF")
            return
        if self.budget.spent + len(data) > MAX_ANSWER_IMAGE_BYTES:
            limit = MAX_ANSWER_IMAGE_BYTES // 1024 // 1024
            self._mark(run, element, "Bild", descr, f"bilder utöver {limit} MB per svar")
            return
        self.budget.spent += len(data)
        kind, width_px, height_px = info
        if not (0 < cx <= MAX_EMU and 0 < cy <= MAX_EMU):
            cx, cy = max(width_px, 1) * EMU_PER_PIXEL, max(height_px, 1) * EMU_PER_PIXEL
        image = run.makeelement(RM_IMAGE)
        image.attrib.update({f"{{{RM}}}type": kind, f"{{{RM}}}cx": str(cx), f"{{{RM}}}cy": str(cy)})
        image.set(f"{{{RM}}}descr", xml_safe(descr))
        image.text = base64.b64encode(data).decode("ascii")
        run.replace(element, image)

    def _from_drawing(self, drawing: etree._Element) -> tuple[str, int, int, str] | _Unshown:
        graphic = drawing.find(f".//{{{A}}}graphicData")
        uri = graphic.get("uri", "") if graphic is not None else ""
        blip = drawing.find(f".//{{{A}}}blip")
        doc_pr = drawing.find(f".//{{{WP}}}docPr")
        descr = ""
        if doc_pr is not None:
            descr = xml_safe((doc_pr.get("descr") or doc_pr.get("title") or "").strip())
        if uri != PIC_URI or blip is None:
            reported = _GRAPHIC_KINDS.get(uri, "bilder")
            return _Unshown(_MARKED_KINDS.get(uri, "Objekt" if uri else None), descr, reported)
        rel_id = blip.get(f"{{{R}}}embed")
        if not rel_id:
            return _Unshown("Länkad bild", descr, "länkade bilder")
        extent = drawing.find(f".//{{{WP}}}extent")
        return rel_id, _int(extent, "cx"), _int(extent, "cy"), descr

    def _from_vml(self, pict: etree._Element) -> tuple[str, int, int, str] | _Unshown:
        data = pict.find(f".//{{{V}}}imagedata")
        rel_id = data.get(f"{{{R}}}id") if data is not None else None
        if not rel_id:
            return _Unshown(None, "", "figurer och textrutor")
        shape = data.getparent()
        sizes = {
            key.lower(): float(value) * _UNIT_EMU[(unit or "").lower()]
            for key, value, unit in _VML_SIZE.findall(shape.get("style", "") if shape is not None else "")
        }
        descr = (shape.get("alt") or "").strip() if shape is not None else ""
        return rel_id, int(sizes.get("width", 0)), int(sizes.get("height", 0)), descr


@dataclass(frozen=True)
class _Unshown:
    """Something the annex cannot show: its line's kind (None: dropped silently but reported)."""

    kind: str | None
    title: str
    reported: str


def _object_title(element: etree._Element) -> str:
    """An embedded object's alt text, else what made it (the OLE ProgID: "Excel.Sheet.12")."""
    shape = next(iter(element.iter(f"{{{V}}}shape")), None)
    alt = (shape.get("alt") or "").strip() if shape is not None else ""
    if alt:
        return xml_safe(alt)
    ole = next((e for e in element.iter() if isinstance(e.tag, str) and e.tag.endswith("}OLEObject")), None)
    return xml_safe((ole.get("ProgID") or "").strip()) if ole is not None else ""


def _int(element: etree._Element | None, attribute: str) -> int:
    value = element.get(attribute, "") if element is not None else ""
    return int(value) if value.isdigit() else 0


def xml_safe(value: str) -> str:
    """Without the control characters XML cannot carry, and of a sane length (alt texts)."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)[:2000]
