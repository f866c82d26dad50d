# ruff: noqa: E501  (WordprocessingML written out as Word writes it)
"""The fidelity corpus: Word documents as people outside this project make them.

Each document is written here as Word writes it (raw WordprocessingML: numbering.xml with
legal and outline numbering, footnotes.xml and endnotes.xml, text boxes as
mc:AlternateContent with a VML fallback, charts, SmartArt, EMF and linked pictures,
character styles), so every feature sits in the package exactly where Word puts it. The
LibreOffice-made variants are these documents opened and saved again by LibreOffice
(tests.helpers.libreoffice_resave), which rewrites numbering and notes its own way.

`paste` puts a document into an answer field of a response the way Word's paste (keep
source formatting) does: its body, numbering, styles, notes and media come along, with
new ids where they would clash (docxcompose does the merging).
"""

from __future__ import annotations

import copy
import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import docx
from docx.oxml.ns import qn
from lxml import etree
from tests.annex.returned import png

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
NAMESPACES = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "dgm": "http://schemas.openxmlformats.org/drawingml/2006/diagram",
}
_DECLARE = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())


@dataclass
class Source:
    """One corpus document: its parts, and what a reader must find in the annex."""

    name: str
    body: str
    numbering: str = ""
    styles: str = ""
    footnotes: str = ""
    endnotes: str = ""
    relationships: list[tuple[str, str, str, bool]] = field(
        default_factory=list
    )  # id, type, target, external
    media: dict[str, bytes] = field(default_factory=dict)
    # a notes part's own relationships ("footnotes" -> [(id, type, target, external)])
    note_relationships: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # item text -> label as rendered ("1.1.")

    def docx(self) -> bytes:
        parts = {
            "word/document.xml": f"<w:document {_DECLARE}><w:body>{self.body}{_SECTION}</w:body></w:document>"
        }
        overrides = {"word/document.xml": f"{_CT}.document.main+xml"}
        rels = list(self.relationships)
        for name, content in (
            ("numbering", self.numbering),
            ("styles", _STYLES.format(extra=self.styles)),
            ("footnotes", self.footnotes),
            ("endnotes", self.endnotes),
        ):
            if content:
                parts[f"word/{name}.xml"] = (
                    content if name == "styles" else f"<w:{name} {_DECLARE}>{content}</w:{name}>"
                )
                overrides[f"word/{name}.xml"] = f"{_CT}.{name}+xml"
                rels.append((f"rId{name}", f"{_RT}/{name}", f"{name}.xml", False))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("[Content_Types].xml", _content_types(overrides, self.media))
            package.writestr(
                "_rels/.rels",
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{_RT}/officeDocument" Target="word/document.xml"/>'
                "</Relationships>",
            )
            package.writestr("word/_rels/document.xml.rels", _rels(rels))
            for name, own in self.note_relationships.items():
                package.writestr(f"word/_rels/{name}.xml.rels", _rels(own))
            for name, content in parts.items():
                package.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + content)
            for name, data in self.media.items():
                package.writestr(f"word/{name}", data)
        return out.getvalue()


_SECTION = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1418" w:bottom="1418" '
    'w:left="1418" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>'
)
_STYLES = (
    f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" '
    'w:hAnsi="Calibri"/><w:sz w:val="22"/><w:lang w:val="sv-SE"/></w:rPr></w:rPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Liststycke"><w:name w:val="List Paragraph"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="720"/><w:contextualSpacing/></w:pPr></w:style>'
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="Fotnotstext"><w:name w:val="footnote text"/>'
    '<w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="20"/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="Fotnotsreferens"><w:name w:val="footnote reference"/>'
    '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
    "{extra}</w:styles>"
)


def _content_types(overrides: dict[str, str], media: dict[str, bytes]) -> str:
    defaults = {name.rsplit(".", 1)[-1] for name in media}
    types = {"png": "image/png", "emf": "image/x-emf", "xml": "application/xml"}
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(
            f'<Default Extension="{ext}" ContentType="{types[ext]}"/>' for ext in sorted(defaults - {"xml"})
        )
        + "".join(f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, kind in overrides.items())
        + "</Types>"
    )


def _rels(rels: list[tuple[str, str, str, bool]]) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="{rid}" Type="{kind}" Target="{escape(target)}"'
            + (' TargetMode="External"/>' if external else "/>")
            for rid, kind, target, external in rels
        )
        + "</Relationships>"
    )


def p(text: str, ppr: str = "", runs: str = "") -> str:
    """A paragraph: properties, then its text as one run (plus any extra runs)."""
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{run}{runs}</w:p>"


def item(text: str, num_id: int, level: int = 0) -> str:
    """A list item as Word's numbering button makes it: List Paragraph plus numPr."""
    return p(
        text,
        f'<w:pStyle w:val="Liststycke"/><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>',
    )


def level(index: int, fmt: str, text: str, start: int = 1, font: str = "") -> str:
    left = 720 + 360 * index
    fonts = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>' if font else ""
    return (
        f'<w:lvl w:ilvl="{index}" w:tplc="04090019"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr>'
        f"{fonts}</w:lvl>"
    )


def abstract(number: int, levels: str) -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{number}"><w:nsid w:val="1A2B3C{number:02X}"/>'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )


# --- 1 and 2: lists, their definitions, restarts and depth ---------------------------------

LEGAL = "".join(
    level(i, fmt, text)
    for i, (fmt, text) in enumerate(
        [
            ("decimal", "%1."),
            ("decimal", "%1.%2."),
            ("decimal", "%1.%2.%3."),
            ("lowerLetter", "%4)"),
            ("lowerRoman", "(%5)"),
            ("decimal", "%6."),
            ("decimal", "%7."),
            ("decimal", "%8."),
            ("decimal", "%9."),
        ]
    )
)
LISTS = Source(
    name="listor",
    body=(
        p("Nämndens plan i steg:")
        + item("Inledande kartläggning", 1)
        + item("Fördjupad analys", 1, 1)
        + item("Juridisk prövning", 1, 2)
        + item("Delmoment alfa", 1, 3)
        + item("Detaljsteg ett", 1, 4)
        + item("Detaljsteg två", 1, 4)
        + item("Andra huvudsteget", 1, 0)
        + item("Underpunkt under två", 1, 1)
        + p("En mellanliggande kommentar utan numrering.")
        + item("Tredje huvudsteget", 1, 0)
        + p("Därefter en ny lista som börjar om:")
        + item("Ny lista första", 2)
        + item("Ny lista andra", 2)
        + item("Bokstav ett", 3)
        + item("Bokstav två", 3)
        + p("Romerska siffror:")
        + item("Romersk ett", 4)
        + item("Romersk två", 4)
        + p("En lista som börjar på fem:")
        + item("Börjar på fem", 5)
        + item("Fortsätter med sex", 5)
        + item("Punkt med symbol", 6)
    ),
    numbering=(
        abstract(0, LEGAL)
        + abstract(1, level(0, "lowerLetter", "%1)") + level(1, "lowerRoman", "%2."))
        + abstract(2, level(0, "lowerRoman", "(%1)"))
        + abstract(3, level(0, "decimal", "%1.", start=5))
        + abstract(4, level(0, "bullet", "\uf0b7", font="Symbol"))
        + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        + '<w:num w:numId="2"><w:abstractNumId w:val="0"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        + '<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>'
        + '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>'
        + '<w:num w:numId="5"><w:abstractNumId w:val="3"/></w:num>'
        + '<w:num w:numId="6"><w:abstractNumId w:val="4"/></w:num>'
    ),
    labels={
        "Inledande kartläggning": "1.",
        "Fördjupad analys": "1.1.",
        "Juridisk prövning": "1.1.1.",
        "Delmoment alfa": "a)",
        "Detaljsteg ett": "(i)",
        "Detaljsteg två": "(ii)",
        "Andra huvudsteget": "2.",
        "Underpunkt under två": "2.1.",
        "Tredje huvudsteget": "3.",
        "Ny lista första": "1.",
        "Ny lista andra": "2.",
        "Bokstav ett": "a)",
        "Bokstav två": "b)",
        "Romersk ett": "(i)",
        "Romersk två": "(ii)",
        "Börjar på fem": "5.",
        "Fortsätter med sex": "6.",
    },
)

# --- 3: footnotes and endnotes, formatting kept ----------------------------------------------

_REF = '<w:r><w:rPr><w:rStyle w:val="Fotnotsreferens"/></w:rPr><w:{kind}Reference w:id="{id}"/></w:r>'


def _note(kind: str, note_id: int, runs: str) -> str:
    return (
        f'<w:{kind} w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="Fotnotstext"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="Fotnotsreferens"/></w:rPr><w:{kind}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{runs}</w:p></w:{kind}>'
    )


_SEPARATORS = (
    '<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
    '<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>'
)
NOTES = Source(
    name="fotnoter",
    body=p(
        "Besöken ökade med tolv procent",
        runs=_REF.format(kind="footnote", id=1)
        + '<w:r><w:t xml:space="preserve"> och kostnaderna låg still</w:t></w:r>'
        + _REF.format(kind="footnote", id=2)
        + '<w:r><w:t xml:space="preserve">. Se även slutnoten</w:t></w:r>'
        + _REF.format(kind="endnote", id=1)
        + "<w:r><w:t>.</w:t></w:r>",
    ),
    footnotes=_SEPARATORS.format(kind="footnote")
    + _note(
        "footnote",
        1,
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Källa:</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
        "<w:r><w:rPr><w:i/></w:rPr><w:t>Besöksstatistik</w:t></w:r>"
        '<w:r><w:t xml:space="preserve"> för stadens bibliotek 2015.</w:t></w:r>',
    )
    + _note("footnote", 2, "<w:r><w:t>Enligt bokslutet för kulturnämnden.</w:t></w:r>"),
    endnotes=_SEPARATORS.format(kind="endnote")
    + _note("endnote", 1, "<w:r><w:t>Slutnoten om revisionens iakttagelser.</w:t></w:r>"),
)

# --- 3b: links and pictures inside notes -----------------------------------------------------


NOTE_PICTURE = png(48, 24, (20, 110, 60))  # a real PNG, made without an imaging library
NOTE_LINK = "https://start.stockholm/om-stockholms-stad/utredningar-statistik-och-fakta/statistik/"
ENDNOTE_LINK = "mailto:kultur@stockholm.se"


def picture(rel_id: str, box_id: int, alt: str, cx: int = 914400, cy: int = 457200) -> str:
    """An inline picture run as Word writes one (wp:inline, pic:pic, a:blip r:embed)."""
    return (
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{box_id}" name="Bild {box_id}" descr="{escape(alt)}"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        + _PIC_IN_NOTE.format(ref=f'r:embed="{rel_id}"', cx=cx, cy=cy)
        + "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


_PIC_IN_NOTE = (
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="diagram.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    "<pic:blipFill><a:blip {ref}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
)


def hyperlink(rel_id: str, text: str) -> str:
    return (
        f'<w:hyperlink r:id="{rel_id}" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
        f"<w:t>{escape(text)}</w:t></w:r></w:hyperlink>"
    )


NOTE_MEDIA = Source(
    name="fotnoter-med-lankar",
    body=p(
        "Utlåningen av e-böcker fördubblades",
        runs=_REF.format(kind="footnote", id=1)
        + '<w:r><w:t xml:space="preserve"> och nämnden redovisar källorna i en slutnot</w:t></w:r>'
        + _REF.format(kind="endnote", id=1)
        + "<w:r><w:t>.</w:t></w:r>",
    ),
    footnotes=_SEPARATORS.format(kind="footnote")
    + _note(
        "footnote",
        1,
        '<w:r><w:t xml:space="preserve">Se </w:t></w:r>'
        + hyperlink("rIdFotLank", "stadens statistik")
        + '<w:r><w:t xml:space="preserve"> och diagrammet </w:t></w:r>'
        + picture("rIdFotBild", 91, "Utlån av e-böcker per månad")
        + "<w:r><w:t>.</w:t></w:r>",
    ),
    endnotes=_SEPARATORS.format(kind="endnote")
    + _note(
        "endnote",
        1,
        '<w:r><w:t xml:space="preserve">Frågor om </w:t></w:r>'
        "<w:r><w:rPr><w:i/></w:rPr><w:t>siffrorna</w:t></w:r>"
        '<w:r><w:t xml:space="preserve"> besvaras av </w:t></w:r>'
        + hyperlink("rIdSlutLank", "kulturförvaltningens kansli")
        + "<w:r><w:t>.</w:t></w:r>",
    ),
    note_relationships={
        "footnotes": [
            ("rIdFotLank", f"{_RT}/hyperlink", NOTE_LINK, True),
            ("rIdFotBild", f"{_RT}/image", "media/diagram.png", False),
        ],
        "endnotes": [("rIdSlutLank", f"{_RT}/hyperlink", ENDNOTE_LINK, True)],
    },
    media={"media/diagram.png": NOTE_PICTURE},
)

# --- 4: text boxes ------------------------------------------------------------------------------


def text_box(text: str, box_id: int) -> str:
    """A text box as Word 2010+ saves one: a wps shape, with a VML fallback for old readers."""
    content = (
        f'<w:txbxContent><w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:txbxContent>'
    )
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="{box_id}" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="3600000" cy="720000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        f'<wp:docPr id="{box_id}" name="Textruta {box_id}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3600000" cy="720000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>"
        "</w:drawing></mc:Choice><mc:Fallback><w:pict>"
        f'<v:shape id="Textruta {box_id}" type="#_x0000_t202" style="width:283pt;height:57pt">'
        f"<v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


TEXT_BOX = Source(
    name="textruta",
    body=p("", runs=text_box("Nämnden svarar i en textruta: budgeten räcker inte till fler filialer.", 71)),
)

# --- 5: charts, SmartArt, EMF and linked pictures -----------------------------------------------


def _graphic(uri: str, inner: str, box_id: int, title: str) -> str:
    return (
        '<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
        '<wp:extent cx="3600000" cy="1800000"/>'
        f'<wp:docPr id="{box_id}" name="Objekt {box_id}" descr="{escape(title)}"/>'
        f'<a:graphic><a:graphicData uri="{uri}">{inner}</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>'
    )


_PIC = (
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="bild"/><pic:cNvPicPr/></pic:nvPicPr>'
    "<pic:blipFill><a:blip {ref}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="3600000" cy="1800000"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>'
)
# An enhanced metafile: its header record (type 1, size 108, signature " EMF") and EOF record.
EMF = (
    b"\x01\x00\x00\x00\x6c\x00\x00\x00"
    + b"\x00" * 32
    + b" EMF\x00\x00\x01\x00"
    + (128).to_bytes(4, "little")
    + b"\x02\x00\x00\x00\x00\x00\x00\x00"
    + b"\x00" * 48
    + b"\x0e\x00\x00\x00\x14\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x14\x00\x00\x00"
)
OBJECTS = Source(
    name="objekt",
    body=(
        p("Utvecklingen framgår av diagrammet:")
        + p(
            "",
            runs=_graphic(
                "http://schemas.openxmlformats.org/drawingml/2006/chart",
                "<c:chart/>",
                81,
                "Besök per år 2012–2015",
            ),
        )
        + p(
            "",
            runs=_graphic(
                "http://schemas.openxmlformats.org/drawingml/2006/diagram",
                "<dgm:relIds/>",
                82,
                "Organisationsschema",
            ),
        )
        + p(
            "",
            runs=_graphic(
                "http://schemas.openxmlformats.org/drawingml/2006/picture",
                _PIC.format(ref='r:embed="rIdEmf"'),
                83,
                "Karta i vektorformat",
            ),
        )
        + p(
            "",
            runs=_graphic(
                "http://schemas.openxmlformats.org/drawingml/2006/picture",
                _PIC.format(ref='r:link="rIdLinked"'),
                84,
                "Länkad logotyp",
            ),
        )
    ),
    relationships=[
        ("rIdEmf", f"{_RT}/image", "media/karta.emf", False),
        ("rIdLinked", f"{_RT}/image", "file:///C:/Bilder/logo.png", True),
    ],
    media={"media/karta.emf": EMF},
)
ONLY_CHART = Source(
    name="bara-diagram",
    body=p(
        "",
        runs=_graphic(
            "http://schemas.openxmlformats.org/drawingml/2006/chart",
            "<c:chart/>",
            85,
            "Kostnader per verksamhet",
        ),
    ),
)

# --- 6: character styles and internal links -----------------------------------------------------

STYLED = Source(
    name="teckenformat",
    body=(
        p(
            "",
            runs='<w:r><w:t xml:space="preserve">Nämnden vill </w:t></w:r>'
            '<w:r><w:rPr><w:rStyle w:val="Betoningegen"/></w:rPr><w:t>särskilt betona</w:t></w:r>'
            '<w:r><w:t xml:space="preserve"> och </w:t></w:r>'
            '<w:r><w:rPr><w:rStyle w:val="Viktigtegen"/></w:rPr><w:t>starkt understryka</w:t></w:r>'
            '<w:r><w:t xml:space="preserve"> samt </w:t></w:r>'
            '<w:r><w:rPr><w:rStyle w:val="Upphojt"/></w:rPr><w:t>upphöjt</w:t></w:r>'
            '<w:r><w:t xml:space="preserve">. Se </w:t></w:r>'
            '<w:hyperlink w:anchor="Bilagan"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
            "<w:t>avsnittet om bilagan</w:t></w:r></w:hyperlink><w:r><w:t>.</w:t></w:r>",
        )
        + p("Ett citat i nämndens citatstil.", '<w:pStyle w:val="Citatstil"/>')
        + '<w:p><w:bookmarkStart w:id="5" w:name="Bilagan"/><w:r><w:t>Bilagan beskrivs här.</w:t></w:r>'
        '<w:bookmarkEnd w:id="5"/></w:p>'
    ),
    styles=(
        '<w:style w:type="character" w:customStyle="1" w:styleId="Betoningegen"><w:name w:val="Betoning egen"/>'
        '<w:rPr><w:i/><w:iCs/><w:color w:val="2F5496"/></w:rPr></w:style>'
        '<w:style w:type="character" w:customStyle="1" w:styleId="Viktigtegen"><w:name w:val="Viktigt egen"/>'
        '<w:basedOn w:val="Betoningegen"/><w:rPr><w:b/><w:u w:val="single"/><w:strike/></w:rPr></w:style>'
        '<w:style w:type="character" w:customStyle="1" w:styleId="Upphojt"><w:name w:val="Upphöjt"/>'
        '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'
        '<w:style w:type="paragraph" w:customStyle="1" w:styleId="Citatstil"><w:name w:val="Citatstil"/>'
        '<w:basedOn w:val="Normal"/><w:rPr><w:i/><w:sz w:val="28"/></w:rPr></w:style>'
    ),
)


# --- pasting ------------------------------------------------------------------------------------


def paste(response: bytes, tag: str, source: bytes) -> bytes:
    """`source` pasted into the answer control tagged `tag`, replacing its placeholder, as Word
    pastes with 'keep source formatting': its numbering, styles, notes and media come along."""
    from docxcompose.composer import Composer  # rebinds python-docx's cp: namespace; imported late

    master = docx.Document(io.BytesIO(response))
    composer = Composer(master)
    composer.restart_numbering = False  # a paste keeps the source's own list instances
    body = master.element.body
    control = next(
        sdt
        for sdt in body.iter(qn("w:sdt"))
        if (found := sdt.find(f"{qn('w:sdtPr')}/{qn('w:tag')}")) is not None and found.get(qn("w:val")) == tag
    )
    content = control.find(qn("w:sdtContent"))
    showing = control.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}")
    if showing is not None:
        showing.getparent().remove(showing)
    index = body.index(control) + 1
    before = len(body)
    pasted_document = docx.Document(io.BytesIO(source))
    footnotes_before = _note_ids(master, "footnotes")
    composer.insert(index, pasted_document)
    pasted = list(body)[index : index + len(body) - before]
    _carry_note_relationships(master, pasted_document, "footnotes", footnotes_before)
    endnotes_before = _note_ids(master, "endnotes")
    _paste_endnotes(master, pasted_document, pasted)
    _carry_note_relationships(master, pasted_document, "endnotes", endnotes_before)
    for child in list(content):
        content.remove(child)
    content.extend(pasted)
    out = io.BytesIO()
    master.save(out)
    return out.getvalue()


def _paste_endnotes(master, source, pasted) -> None:
    """Endnotes come along as footnotes do (docxcompose copies only footnotes)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    references = [r for block in pasted for r in block.iter(qn("w:endnoteReference"))]
    if not references:
        return
    theirs = etree.fromstring(source.part.part_related_by(RT.ENDNOTES).blob)
    try:
        part = master.part.part_related_by(RT.ENDNOTES)
        ours = etree.fromstring(part.blob)
    except KeyError:
        ours = etree.fromstring(
            f"<w:endnotes {_DECLARE}>{_SEPARATORS.format(kind='endnote')}</w:endnotes>".encode()
        )
        part = Part(PackURI("/word/endnotes.xml"), f"{_CT}.endnotes+xml", b"", master.part.package)
        master.part.relate_to(part, RT.ENDNOTES)
    for reference in references:
        note = copy.deepcopy(theirs.find(f"{qn('w:endnote')}[@{qn('w:id')}='{reference.get(qn('w:id'))}']"))
        number = str(max(int(n.get(qn("w:id"))) for n in ours) + 1)
        note.set(qn("w:id"), number)
        reference.set(qn("w:id"), number)
        ours.append(note)
    part._blob = etree.tostring(ours, xml_declaration=True, encoding="UTF-8", standalone=True)


def _notes_part(document, kind: str):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        return document.part.part_related_by(RT.FOOTNOTES if kind == "footnotes" else RT.ENDNOTES)
    except KeyError:
        return None


def _note_ids(document, kind: str) -> set[str]:
    part = _notes_part(document, kind)
    return set() if part is None else {n.get(qn("w:id")) for n in etree.fromstring(part.blob)}


def _carry_note_relationships(master, source, kind: str, before: set[str]) -> None:
    """The pasted notes' links and pictures, related from the master's notes part as Word's
    paste does (docxcompose copies a note's XML but not what its relationship ids point at)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    ours, theirs = _notes_part(master, kind), _notes_part(source, kind)
    if ours is None or theirs is None:
        return
    root = etree.fromstring(ours.blob)
    pasted = [note for note in root if note.get(qn("w:id")) not in before]
    for element in (e for note in pasted for e in note.iter()):
        for name in ("id", "embed", "link"):
            rel_id = element.get(f"{{{R}}}{name}")
            if rel_id is None or rel_id not in theirs.rels:
                continue
            rel = theirs.rels[rel_id]
            if rel.is_external:
                new = ours.relate_to(rel.target_ref, rel.reltype, is_external=True)
            else:
                image = master.part.package.get_or_add_image_part(io.BytesIO(rel.target_part.blob))
                new = ours.relate_to(image, RT.IMAGE)
            element.set(f"{{{R}}}{name}", new)
    ours._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
