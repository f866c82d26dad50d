"""The annex's package: the zip, its fixed parts, header and footer.

Written directly with zipfile (no python-docx template) so that document.xml can be
streamed in chunks — a 1,000-organisation annex never exists as one XML tree — and so that
the output is byte-for-byte reproducible for the same input (fixed timestamps).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from remiss.documents.annex.media import PIC, A, AnnexMedia, Relationship
from remiss.documents.ooxml import PKG_RELS, R, W
from remiss.documents.word.media import WP
from remiss.documents.zipped import ZipWriter

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
# Every prefix the body may use, declared once here: fragments are spliced in without their own.
NAMESPACES = {"w": W, "r": R, "m": M, "wp": WP, "a": A, "pic": PIC}
DOCUMENT_OPEN = (
    "<w:document " + " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items()) + "><w:body>"
).encode()
V = "urn:schemas-microsoft-com:vml"
VML_OFFICE = "urn:schemas-microsoft-com:office:office"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
DRAFT_COLOUR = "C00000"
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}

# Part name -> (content type, relationship type from document.xml or None).
WORD_PARTS = {
    "word/styles.xml": (f"{_CT}.wordprocessingml.styles+xml", f"{_RT}/styles"),
    "word/settings.xml": (f"{_CT}.wordprocessingml.settings+xml", f"{_RT}/settings"),
    "word/numbering.xml": (f"{_CT}.wordprocessingml.numbering+xml", f"{_RT}/numbering"),
    "word/footer1.xml": (f"{_CT}.wordprocessingml.footer+xml", f"{_RT}/footer"),
    "word/header1.xml": (f"{_CT}.wordprocessingml.header+xml", f"{_RT}/header"),
    "word/footnotes.xml": (f"{_CT}.wordprocessingml.footnotes+xml", f"{_RT}/footnotes"),
    "word/endnotes.xml": (f"{_CT}.wordprocessingml.endnotes+xml", f"{_RT}/endnotes"),
}


def text(value: str) -> str:
    """Escape text for an element body and drop characters XML cannot carry."""
    return escape(_INVALID_XML.sub("", value.replace("\n", " ")))


def paragraph(
    body: str, style: str | None = None, bold_lead: str = "", italic: bool = False, keep_next: bool = False
) -> str:
    """One w:p with optional style and a bold lead-in run, as XML text; `keep_next` keeps it
    on the page where the next paragraph starts."""
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep_next else "")
    ppr = f"<w:pPr>{props}</w:pPr>" if props else ""
    lead = ""
    if bold_lead:
        lead = f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text(bold_lead)}</w:t></w:r>'
    rpr = "<w:rPr><w:i/><w:iCs/></w:rPr>" if italic else ""
    run = f'<w:r>{rpr}<w:t xml:space="preserve">{text(body)}</w:t></w:r>' if body else ""
    return f"<w:p>{ppr}{lead}{run}</w:p>"


def section_properties(geometry: str, with_header: bool) -> str:
    header = '<w:headerReference w:type="default" r:id="rIdHeader1"/>' if with_header else ""
    return f'<w:sectPr>{header}<w:footerReference w:type="default" r:id="rIdFooter1"/>{geometry}</w:sectPr>'


def _field(instruction: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def footer_xml() -> bytes:
    """Page numbers as the city prints them: "4 (44)"."""
    return (
        f'{_DECL}<w:ftr xmlns:w="{W}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
        f'{_field("PAGE")}<w:r><w:t xml:space="preserve"> (</w:t></w:r>{_field("NUMPAGES")}'
        "<w:r><w:t>)</w:t></w:r></w:p></w:ftr>"
    ).encode()


def draft_mark(stamp: str) -> str:
    """'UTKAST – 2016-04-20 14:05'; a stamp that already starts with "Utkast" is not doubled."""
    rest = stamp.strip()
    if rest.lower().startswith("utkast"):
        rest = rest[len("utkast") :].lstrip(" –-:")
    return f"UTKAST – {rest}" if rest else "UTKAST"


def draft_header_xml(stamp: str) -> bytes:
    """A red "UTKAST" line on every page, and behind the text a large grey diagonal watermark
    with the time, so a draft (or a page of one) is never mistaken for the final annex.

    The watermark is the VML shape Word's own Design > Watermark writes (a text path named
    PowerPlusWaterMarkObject, behind the text): Word shows and edits it as a watermark and
    LibreOffice imports it as one.
    """
    colour = f'<w:color w:val="{DRAFT_COLOUR}"/>'
    mark, _, rest = draft_mark(stamp).partition(" ")
    return (
        f'{_DECL}<w:hdr xmlns:w="{W}" xmlns:v="{V}" xmlns:o="{VML_OFFICE}">'
        '<w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr>'
        f'<w:r><w:rPr><w:b/><w:bCs/>{colour}<w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>'
        f"<w:t>{mark}</w:t></w:r>"
        f'<w:r><w:rPr>{colour}</w:rPr><w:t xml:space="preserve"> {text(rest)}</w:t></w:r>'
        f"{_watermark(watermark_text(stamp))}</w:p></w:hdr>"
    ).encode()


def watermark_text(stamp: str) -> str:
    """'Utkast 2016-04-20 14:05' (the draft mark with its time, as the watermark reads)."""
    mark = draft_mark(stamp)
    return "Utkast" + mark[len("UTKAST") :].replace(" – ", " ", 1)


_WATERMARK_FORMULAS = (
    "sum #0 0 10800;prod #0 2 1;sum 21600 0 @1;sum 0 0 @2;sum 21600 0 @3;if @0 @3 0;if @0 21600 @1;"
    "if @0 0 @2;if @0 @4 21600;mid @5 @6;mid @8 @5;mid @7 @8;mid @6 @7;sum @6 0 @5"
)
_WATERMARK_SHAPETYPE = (
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas>'
    + "".join(f'<v:f eqn="{eqn}"/>' for eqn in _WATERMARK_FORMULAS.split(";"))
    + '</v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/>'
    '</v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
)


def _watermark(value: str) -> str:
    style = (
        "position:absolute;margin-left:0;margin-top:0;width:500pt;height:110pt;rotation:315;"
        "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        "mso-position-vertical:center;mso-position-vertical-relative:margin"
    )
    return (
        f"<w:r><w:rPr><w:noProof/></w:rPr><w:pict>{_WATERMARK_SHAPETYPE}"
        f'<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" '
        f'style="{style}" o:allowincell="f" fillcolor="silver" stroked="f">'
        '<v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string="{text(value)}"/>'
        "</v:shape></w:pict></w:r>"
    )


def _core_xml(title: str, subject: str, created: dt.date, language: str) -> bytes:
    stamp = f"{created.isoformat()}T00:00:00Z"
    return (
        f"{_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text(title)}</dc:title><dc:subject>{text(subject)}</dc:subject>"
        f"<dc:creator>remiss</dc:creator><cp:lastModifiedBy>remiss</cp:lastModifiedBy>"
        f"<dc:language>{language}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _app_xml() -> bytes:
    return (
        f"{_DECL}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>remiss</Application></Properties>"
    ).encode()


def _content_types(parts: Iterable[str]) -> bytes:
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{WORD_PARTS[name][0]}"/>' for name in parts
    )
    media = "".join(
        f'<Default Extension="{extension}" ContentType="{content_type}"/>'
        for extension, content_type in MEDIA_TYPES.items()
    )
    return (
        f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{media}'
        '<Override PartName="/word/document.xml" '
        f'ContentType="{_CT}.wordprocessingml.document.main+xml"/>{overrides}'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/docProps/app.xml" ContentType="{_CT}.extended-properties+xml"/>'
        "</Types>"
    ).encode()


def _package_rels() -> bytes:
    return (
        f'{_DECL}<Relationships xmlns="{PKG_RELS}">'
        f'<Relationship Id="rId1" Type="{_RT}/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_RT}/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    ).encode()


def _document_rels(parts: Iterable[str], media: list[Relationship]) -> bytes:
    """The fixed parts' relationships, then the pictures' and links' (ids chosen by AnnexMedia)."""
    ids = {"word/header1.xml": "rIdHeader1", "word/footer1.xml": "rIdFooter1"}
    rels = "".join(
        f'<Relationship Id="{ids.get(name, f"rId{n}")}" Type="{WORD_PARTS[name][1]}" '
        f'Target="{name.removeprefix("word/")}"/>'
        for n, name in enumerate(parts, start=1)
    )
    return _rels(rels, media)


def _rels(fixed: str, media: list[Relationship]) -> bytes:
    rels = fixed + "".join(
        f'<Relationship Id="{rel.id}" Type="{rel.type}" Target={quoteattr(rel.target)}'
        + (' TargetMode="External"/>' if rel.external else "/>")
        for rel in media
    )
    return f'{_DECL}<Relationships xmlns="{PKG_RELS}">{rels}</Relationships>'.encode()


def rels_name(part: str) -> str:
    """word/footnotes.xml -> word/_rels/footnotes.xml.rels"""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


class PackageWriter:
    """Streams document.xml into a deflated zip, then adds the other parts on close."""

    def __init__(self, created: dt.date, word_parts: Iterable[str]) -> None:
        self._created = created
        self._zip = ZipWriter(when=(created.year, created.month, created.day, 0, 0, 0))
        self._parts = list(word_parts)
        self._zip.add("[Content_Types].xml", _content_types(self._parts))
        # zlib level 1: on a 31 MB document.xml (1,000 organisations) 0.65 s and 5.2 MB instead
        # of 2.2 s and 3.6 MB at the default level 6, a third of the whole build.
        self._document = self._zip.stream("word/document.xml", level=1)
        self._document.write(_DECL.encode() + DOCUMENT_OPEN)

    def write(self, chunk: str) -> None:
        self._document.write(chunk.encode("utf-8"))

    def close(
        self, word_parts: dict[str, bytes], title: str, subject: str, language: str, media: AnnexMedia
    ) -> bytes:
        self._document.write(b"</w:body></w:document>")
        self._document.close()
        if sorted(word_parts) != sorted(self._parts):
            raise ValueError(f"parts {sorted(word_parts)} differ from those announced {self._parts}")
        for name, data in word_parts.items():
            self._zip.add(name, data)
        for name, data in media.parts.items():
            self._zip.add(name, data, stored=True)  # already compressed images
        self._zip.add("word/_rels/document.xml.rels", _document_rels(word_parts, media.relationships))
        for name, relationships in sorted(media.part_relationships().items()):
            if name not in word_parts:
                raise ValueError(f"relationships for {name}, a part the annex does not have")
            self._zip.add(rels_name(name), _rels("", relationships))
        self._zip.add("_rels/.rels", _package_rels())
        self._zip.add("docProps/core.xml", _core_xml(title, subject, self._created, language))
        self._zip.add("docProps/app.xml", _app_xml())
        return self._zip.close()
