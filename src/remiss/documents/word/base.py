"""The per-round base package of the response template, built once and stamped per nämnd.

Opening and saving a document with python-docx alone costs ~28 ms, more than the whole
budget for one template. So python-docx builds the parts that are the same for every
recipient (styles, settings, page setup, footer layout, core properties, the custom
properties part) once per round; each template then only swaps in its own
document.xml, footer and docProps/custom.xml while the zip is written.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.parser import parse_xml
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from remiss.documents.ooxml import CT_CUSTOM_PROPS, RT_CUSTOM_PROPS, w
from remiss.documents.properties import CUSTOM_PART, custom_properties_xml
from remiss.documents.word.wordml import PLACEHOLDER_STYLE_NAME, run, simple_field
from remiss.documents.zipped import zip_parts

LANGUAGE = "sv-SE"
DOCUMENT_PART = "word/document.xml"
REFERENCE_MARKER = "REMISS-REFERENCE-MARKER"
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_PAGE_WIDTH, _MARGIN = Mm(210), Mm(25)


@dataclass(frozen=True)
class BasePackage:
    """A saved template with an empty body.

    `shared_zip` holds every part except the three stamped ones, already compressed;
    stamping appends to a copy of it, so the 350 kB styles part is never deflated again.
    """

    shared_zip: bytes
    document_xml: bytes
    footer_part: str
    footer_xml: bytes


@lru_cache(maxsize=16)
def base_package(title: str, author: str) -> BasePackage:
    """Build (once per round title and sender) everything that no recipient changes."""
    document = docx.Document()
    _drop_unused_parts(document)
    _set_up_styles(document)
    _set_up_page(document)
    _set_up_footer(document)
    _add_custom_properties_part(document)
    _set_core_properties(document, title, author)
    buffer = io.BytesIO()
    document.save(buffer)
    footer_part = document.sections[0].footer.part.partname.lstrip("/")
    return _split(buffer.getvalue(), footer_part)


def stamp(base: BasePackage, document_xml: bytes, reference: str, properties: dict[str, str]) -> bytes:
    """Write the .docx for one recipient: base parts plus its body, footer and properties."""
    footer_xml = base.footer_xml.replace(REFERENCE_MARKER.encode(), escape(reference).encode())
    stamped = {
        DOCUMENT_PART: document_xml,
        base.footer_part: footer_xml,
        CUSTOM_PART: custom_properties_xml(properties),
    }
    return zip_parts(stamped, start=base.shared_zip)


def _split(saved: bytes, footer_part: str) -> BasePackage:
    """Separate the stamped parts from the shared ones, re-zipping the shared ones once."""
    stamped = {DOCUMENT_PART, footer_part, CUSTOM_PART}
    with zipfile.ZipFile(io.BytesIO(saved)) as source:
        shared = {i.filename: source.read(i) for i in source.infolist() if i.filename not in stamped}
        document_xml, footer_xml = source.read(DOCUMENT_PART), source.read(footer_part)
    return BasePackage(zip_parts(shared), document_xml, footer_part, footer_xml)


def _drop_unused_parts(document: docx.document.Document) -> None:
    """The default template's thumbnail, bibliography item and Word 2010 style copy."""
    for rId, rel in list(document.part.rels.items()):
        if rel.reltype in (_STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
            document.part.drop_rel(rId)
    package_rels = document.part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(rId)


def _set_up_styles(document: docx.document.Document) -> None:
    """Swedish proofing language, a grey placeholder style, a smaller title, a footer tab."""
    styles = document.styles
    styles.element.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}").set(
        w("val"), LANGUAGE
    )
    theme_lang = document.settings.element.find(w("themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(w("val"), LANGUAGE)
    placeholder = styles.add_style(PLACEHOLDER_STYLE_NAME, WD_STYLE_TYPE.CHARACTER)
    placeholder.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    placeholder.priority = 99
    placeholder.hidden = True
    placeholder.unhide_when_used = True
    styles["Title"].font.size = Pt(20)
    footer = styles["Footer"]
    footer.font.size = Pt(8)
    footer.paragraph_format.tab_stops.clear_all()
    footer.paragraph_format.tab_stops.add_tab_stop(_PAGE_WIDTH - 2 * _MARGIN, WD_TAB_ALIGNMENT.RIGHT)


def _set_up_page(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = _PAGE_WIDTH, Mm(297)
    section.left_margin = section.right_margin = _MARGIN
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    section.header_distance, section.footer_distance = Mm(12), Mm(10)


def _set_up_footer(document: docx.document.Document) -> None:
    """'<reference> <tab> Sida X (Y)': the marker is replaced by each recipient's reference."""
    paragraph = document.sections[0].footer.paragraphs[0]._p
    for element in (
        run(REFERENCE_MARKER),
        run("\tSida "),
        simple_field("PAGE"),
        run(" ("),
        simple_field("NUMPAGES"),
        run(")"),
    ):
        paragraph.append(_as_oxml(element))


def _as_oxml(element: etree._Element) -> etree._Element:
    """Re-parse a plain lxml element with python-docx's parser so it can join its tree."""
    return parse_xml(etree.tostring(element))


def _add_custom_properties_part(document: docx.document.Document) -> None:
    """docProps/custom.xml through the opc layer (python-docx has no API for it)."""
    package = document.part.package
    part = Part(PackURI(f"/{CUSTOM_PART}"), CT_CUSTOM_PROPS, custom_properties_xml({}), package)
    package.relate_to(part, RT_CUSTOM_PROPS)


def _set_core_properties(document: docx.document.Document, title: str, author: str) -> None:
    """Only dc:/dcterms: fields: docxcompose rebinds python-docx's cp: prefix when imported."""
    core = document.core_properties
    core.title = title
    core.author = author
    core.language = LANGUAGE
    core.comments = ""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    core.created = core.modified = now
