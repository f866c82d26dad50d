"""The annex's own styles, list numbering and settings, written as fixed XML.

The annex is built from scratch rather than from python-docx's Letter-sized default
template so that every style id it contains is known here. Answers from respondents keep
only the list styles, table grid and Strong/Emphasis defined here; their own styles are
dropped (see annex_fragments).
Style names are Word's built-in ones ("heading 1", "List Bullet") so that Word shows them
localised ("Rubrik 1", "Punktlista") and keeps them in the navigation pane and TOC.
"""

from __future__ import annotations

from lxml import etree

from remiss.documents.ooxml import W

FONT = "Calibri"  # LibreOffice renders it with the metric-compatible Carlito
HEADING_COLOUR = "1F3864"
TOC_TAB_POSITION = 9070  # the contents' page numbers sit at the right margin (twips)
TEXT_WIDTH = 11906 - 2 * 1418  # between the margins of SECTION_GEOMETRY (twips)
LANGUAGE = "sv-SE"
BULLET_STYLES = ("ListBullet", "ListBullet2", "ListBullet3")
NUMBER_STYLES = ("ListNumber", "ListNumber2", "ListNumber3")
# The only styles an answer's runs may keep.
CHARACTER_STYLES = frozenset({"Strong", "Emphasis", "FootnoteReference", "EndnoteReference"})
TABLE_GRID = "TableGrid"
HYPERLINK_STYLE = "Hyperlink"  # given to the runs of every link the annex keeps

BULLET_NUM_ID = 1  # the w:num the ListBullet styles point at
NUMBER_NUM_ID = 2  # the w:num the ListNumber styles point at; restarts get ids above it
_BULLET_ABSTRACT = 0
NUMBER_ABSTRACT = 1
CARRIED_ABSTRACT = 10  # the first abstractNumId of the lists answers carried
LIST_PARAGRAPH = "ListParagraph"  # the style of a carried list's paragraphs
NOTE_STYLES = {
    "footnote": ("FootnoteText", "FootnoteReference"),
    "endnote": ("EndnoteText", "EndnoteReference"),
}

# A4, 2.5 cm margins, 1.25 cm header/footer distance (twips).
SECTION_GEOMETRY = (
    '<w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" '
    'w:header="709" w:footer="709" w:gutter="0"/>'
    '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/>'
)


def _heading(level: int, size_pt: float, before: int, after: int, extra_ppr: str = "") -> str:
    half_points = int(size_pt * 2)
    return (
        f'<w:style w:type="paragraph" w:styleId="Heading{level}">'
        f'<w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>'
        f'<w:uiPriority w:val="9"/><w:qFormat/>'
        f"<w:pPr><w:keepNext/><w:keepLines/>{extra_ppr}"
        f'<w:spacing w:before="{before}" w:after="{after}" w:line="240" w:lineRule="auto"/>'
        f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
        f'<w:rPr><w:b/><w:bCs/><w:color w:val="{HEADING_COLOUR}"/>'
        f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr></w:style>'
    )


def _list_style(style_id: str, name: str, num_id: int, level: int) -> str:
    indent = 360 + 360 * level
    return (
        f'<w:style w:type="paragraph" w:styleId="{style_id}">'
        f'<w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/>'
        f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
        f'<w:spacing w:after="60"/><w:ind w:left="{indent}" w:hanging="360"/>'
        f"<w:contextualSpacing/></w:pPr></w:style>"
    )


def styles_xml() -> bytes:
    """word/styles.xml: Calibri 11 in Swedish, headings 1–4, lists, tables, header/footer."""
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
    lists = "".join(
        _list_style(style_id, name, num_id, level)
        for ids, base, num_id in (
            (BULLET_STYLES, "List Bullet", BULLET_NUM_ID),
            (NUMBER_STYLES, "List Number", NUMBER_NUM_ID),
        )
        for level, (style_id, name) in enumerate(zip(ids, (base, f"{base} 2", f"{base} 3"), strict=True))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:styles xmlns:w="{W}">'
        f"<w:docDefaults><w:rPrDefault><w:rPr>{fonts}"
        f'<w:sz w:val="22"/><w:szCs w:val="22"/>'
        f'<w:lang w:val="{LANGUAGE}" w:eastAsia="{LANGUAGE}" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="140" w:line="264" w:lineRule="auto"/>'
        "</w:pPr></w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        "<w:qFormat/><w:pPr><w:widowControl/></w:pPr></w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>'
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/>'
        '<w:pPr><w:spacing w:before="2400" w:after="240" w:line="240" w:lineRule="auto"/></w:pPr>'
        f'<w:rPr><w:b/><w:bCs/><w:color w:val="{HEADING_COLOUR}"/>'
        '<w:sz w:val="56"/><w:szCs w:val="56"/></w:rPr>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/>'
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="11"/><w:qFormat/>'
        '<w:pPr><w:spacing w:after="480" w:line="264" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>'
        + _heading(1, 16, 0, 240, "<w:pageBreakBefore/>")
        + _heading(2, 14, 360, 120)
        + _heading(3, 12, 280, 100)
        + _heading(4, 11, 240, 80)
        + lists
        + _note_styles()
        + _toc_styles(HEADING_COLOUR)
        + '<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:pPr><w:tabs>'
        '<w:tab w:val="center" w:pos="4535"/><w:tab w:val="right" w:pos="9070"/></w:tabs>'
        '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/>'
        '<w:basedOn w:val="Header"/><w:uiPriority w:val="99"/><w:pPr><w:jc w:val="right"/></w:pPr>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="22"/><w:qFormat/>'
        "<w:rPr><w:b/><w:bCs/></w:rPr></w:style>"
        '<w:style w:type="character" w:styleId="Emphasis"><w:name w:val="Emphasis"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="20"/><w:qFormat/>'
        "<w:rPr><w:i/><w:iCs/></w:rPr></w:style>"
        f'<w:style w:type="character" w:styleId="{HYPERLINK_STYLE}"><w:name w:val="Hyperlink"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'
        f'<w:style w:type="table" w:styleId="{TABLE_GRID}"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="39"/>'
        '<w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr>'
        "<w:tblPr><w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + "</w:tblBorders></w:tblPr></w:style></w:styles>"
    ).encode()


def _levels(formats: tuple[tuple[str, str, str], ...]) -> str:
    return "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{360 + 360 * level}" w:hanging="360"/></w:pPr>'
        + (f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>' if font else "")
        + "</w:lvl>"
        for level, (fmt, text, font) in enumerate(formats)
    )


def numbering_xml(restarts: list[int], carried: list[tuple[int, int, list[etree._Element]]] = ()) -> bytes:
    """word/numbering.xml: one bullet list, one numbered list, plus one restarted instance
    of the numbered list per answer that has one, so numbering starts at 1 in every answer;
    then one definition and instance per list an answer carried (numId, abstractNumId, levels)."""
    bullets = _levels((("bullet", "•", FONT), ("bullet", "–", FONT), ("bullet", "▪", FONT)))
    numbers = _levels((("decimal", "%1.", ""), ("lowerLetter", "%2)", ""), ("lowerRoman", "%3.", "")))
    instances = "".join(
        f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{NUMBER_ABSTRACT}"/>'
        + "".join(
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="1"/></w:lvlOverride>'
            for level in range(3)
        )
        + "</w:num>"
        for num_id in restarts
    )
    carried_abstracts = "".join(
        f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:multiLevelType w:val="multilevel"/>'
        + "".join(_serialized(level) for level in levels)
        + "</w:abstractNum>"
        for _num_id, abstract_id, levels in carried
    )
    carried_instances = "".join(
        f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
        for num_id, abstract_id, _levels in carried
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:numbering xmlns:w="{W}">'
        f'<w:abstractNum w:abstractNumId="{_BULLET_ABSTRACT}"><w:multiLevelType w:val="hybridMultilevel"/>'
        f"{bullets}</w:abstractNum>"
        f'<w:abstractNum w:abstractNumId="{NUMBER_ABSTRACT}"><w:multiLevelType w:val="hybridMultilevel"/>'
        f"{numbers}</w:abstractNum>{carried_abstracts}"
        f'<w:num w:numId="{BULLET_NUM_ID}"><w:abstractNumId w:val="{_BULLET_ABSTRACT}"/></w:num>'
        f'<w:num w:numId="{NUMBER_NUM_ID}"><w:abstractNumId w:val="{NUMBER_ABSTRACT}"/></w:num>'
        f"{instances}{carried_instances}</w:numbering>"
    ).encode()


def _serialized(level: etree._Element) -> str:
    """A level without its own namespace declaration (numbering.xml declares w)."""
    return etree.tostring(level, encoding="unicode").replace(f' xmlns:w="{W}"', "")


def settings_xml() -> bytes:
    """word/settings.xml in schema order: Swedish tab stop (2,3 cm), fields updated on opening,
    decimal comma, Word 2013+ layout."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:settings xmlns:w="{W}">'
        '<w:zoom w:percent="100"/><w:defaultTabStop w:val="1304"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:updateFields w:val="true"/>'  # Word fills in the contents' page numbers on opening
        # Notes numbered through the whole annex: footnotes 1, 2, 3 at the foot of the page,
        # endnotes i, ii, iii at the end (said outright, so Word and LibreOffice agree).
        '<w:footnotePr><w:pos w:val="pageBottom"/><w:numFmt w:val="decimal"/><w:numStart w:val="1"/>'
        '<w:numRestart w:val="continuous"/><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
        '<w:endnotePr><w:pos w:val="docEnd"/><w:numFmt w:val="lowerRoman"/><w:numStart w:val="1"/>'
        '<w:numRestart w:val="continuous"/><w:endnote w:id="-1"/><w:endnote w:id="0"/></w:endnotePr>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        f'<w:themeFontLang w:val="{LANGUAGE}"/>'
        '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>'
    ).encode()


def _note_styles() -> str:
    """A carried list's paragraphs (its numbering gives the indentation) and the notes' styles."""
    notes = "".join(
        f'<w:style w:type="paragraph" w:styleId="{text}"><w:name w:val="{kind} text"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>'
        f'<w:style w:type="character" w:styleId="{reference}"><w:name w:val="{kind} reference"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
        for kind, (text, reference) in NOTE_STYLES.items()
    )
    return (
        f'<w:style w:type="paragraph" w:styleId="{LIST_PARAGRAPH}"><w:name w:val="List Paragraph"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="34"/><w:qFormat/>'
        '<w:pPr><w:spacing w:after="60"/><w:contextualSpacing/></w:pPr></w:style>' + notes
    )


def _toc_styles(font_colour: str) -> str:
    """The contents page's styles: 'TOC Heading' (no outline level) and 'toc 1', 'toc 2'."""
    tabs = f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TOC_TAB_POSITION}"/></w:tabs>'
    return (
        '<w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/>'
        '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="39"/>'
        "<w:unhideWhenUsed/><w:qFormat/><w:pPr><w:keepNext/><w:pageBreakBefore/>"
        '<w:spacing w:after="240"/></w:pPr>'
        f'<w:rPr><w:b/><w:bCs/><w:color w:val="{font_colour}"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
        f'<w:pPr>{tabs}<w:spacing w:before="160" w:after="60"/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr>'
        "</w:style>"
        '<w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/>'
        '<w:next w:val="Normal"/><w:uiPriority w:val="39"/><w:unhideWhenUsed/>'
        f'<w:pPr>{tabs}<w:spacing w:after="40"/><w:ind w:left="220"/></w:pPr></w:style>'
    )
