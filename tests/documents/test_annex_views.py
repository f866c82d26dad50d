"""Contents, draft watermark, appendix, the per-åtgärd view and the accessibility check."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable

import docx
import pytest
from lxml import etree
from tests.documents.test_annex import TABLE, fragment, para, run, sample_annex

from remiss.documents.annex.check import check_docx
from remiss.documents.annex.document import build_annex, toc_entries
from remiss.documents.model import (
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
    AppendixGroup,
    AppendixRow,
    MeasureAnswer,
    MeasureReport,
    MeasureSection,
)
from remiss.documents.ooxml import W
from remiss.domain.outcomes import AnswerStatus

NS = {"w": W, "v": "urn:schemas-microsoft-com:vml"}
APPENDIX = [
    AppendixGroup(
        "Fackförvaltningar",
        [
            AppendixRow(
                "Arbetsmarknadsförvaltningen", AnswerStatus.COMPLETE, "2016-04-26", versions="Word 2, Excel 1"
            ),
            AppendixRow("Kyrkogårdsförvaltningen", AnswerStatus.MISSING),
        ],
    ),
    AppendixGroup(
        "Stadsdelsförvaltningar",
        [AppendixRow("Bromma", AnswerStatus.INCOMPLETE, "2016-05-02", late=True, missing=["2.1 Kommentar"])],
    ),
]

BOLD_FIRST = TABLE.replace(para(run("År")), para(run("År", "<w:b/>"))).replace(
    para(run("Antal platser")), para(run("Antal platser", "<w:b/>"))
)


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def headings(data: bytes) -> list[tuple[int, str]]:
    body = part(data, "word/document.xml")
    return [
        (int(p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS)[-1]), "".join(p.itertext()))
        for p in body.xpath("//w:p[starts-with(w:pPr/w:pStyle/@w:val, 'Heading')]", namespaces=NS)
    ]


@pytest.fixture(scope="module")
def with_appendix() -> bytes:
    return build_annex(
        dataclasses.replace(sample_annex(), appendix=APPENDIX, status_line="Läget 30 april 2016.")
    )


def test_contents_is_a_toc_field_listing_levels_one_and_two_linked_to_their_headings(with_appendix) -> None:
    body = part(with_appendix, "word/document.xml")
    (toc,) = body.xpath("w:body/w:sdt", namespaces=NS)
    assert (
        toc.xpath("string(w:sdtPr/w:docPartObj/w:docPartGallery/@w:val)", namespaces=NS)
        == "Table of Contents"
    )
    assert toc.xpath("string(.//w:instrText)", namespaces=NS).strip() == 'TOC \\o "1-2" \\h \\z \\u'
    assert toc.xpath(".//w:fldChar/@w:fldCharType", namespaces=NS) == ["begin", "separate", "end"]
    entries = [
        (
            int(p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS)[-1]),
            "".join(p.xpath(".//w:t/text()", namespaces=NS)),
        )
        for p in toc.xpath(".//w:p[starts-with(w:pPr/w:pStyle/@w:val, 'TOC')]", namespaces=NS)
        if p.xpath("w:pPr/w:pStyle/@w:val", namespaces=NS) != ["TOCHeading"]
    ]
    assert entries == [(level, text) for level, text in headings(with_appendix) if level <= 2]
    assert entries[-3:] == [
        (1, "Sammanställning av svaren"),
        (2, "Fackförvaltningar"),
        (2, "Stadsdelsförvaltningar"),
    ]
    anchors = toc.xpath(".//w:hyperlink/@w:anchor", namespaces=NS)
    bookmarks = body.xpath(
        "//w:p[starts-with(w:pPr/w:pStyle/@w:val, 'Heading')]/w:bookmarkStart/@w:name", namespaces=NS
    )
    assert anchors == bookmarks and len(set(anchors)) == len(entries)
    settings = part(with_appendix, "word/settings.xml")
    assert settings.xpath("w:updateFields/@w:val", namespaces=NS) == ["true"]  # Word fills in page numbers
    styles = part(with_appendix, "word/styles.xml")
    assert not styles.xpath("//w:style[@w:styleId='TOCHeading']//w:outlineLvl", namespaces=NS)


def test_draft_has_a_diagonal_watermark_with_its_time_behind_the_text() -> None:
    data = build_annex(sample_annex(draft_stamp="Utkast 2016-04-20 14:05"))
    header = part(data, "word/header1.xml")
    (shape,) = header.xpath("//v:shape", namespaces=NS)
    assert shape.get("id").startswith("PowerPlusWaterMarkObject")  # what Word's Design > Watermark writes
    assert "rotation:315" in shape.get("style") and "z-index:-" in shape.get("style")  # diagonal, behind
    assert shape.xpath("v:textpath/@string", namespaces=NS) == ["Utkast 2016-04-20 14:05"]
    final = build_annex(sample_annex(draft_stamp=None))
    with zipfile.ZipFile(io.BytesIO(final)) as package:
        assert "word/header1.xml" not in package.namelist()


def test_appendix_lists_each_forvaltning_with_status_late_and_what_is_missing(with_appendix) -> None:
    document = docx.Document(io.BytesIO(with_appendix))
    tables = document.tables[-2:]
    rows = [[cell.text for cell in row.cells] for table in tables for row in table.rows]
    assert rows == [
        ["Förvaltning", "Status", "Inkom", "Sen", "Versioner", "Saknas"],
        ["Arbetsmarknadsförvaltningen", "komplett", "2016-04-26", "", "Word 2, Excel 1", "–"],
        ["Kyrkogårdsförvaltningen", "saknas", "–", "", "–", "–"],
        ["Förvaltning", "Status", "Inkom", "Sen", "Versioner", "Saknas"],
        ["Bromma", "ofullständig", "2016-05-02", "ja", "–", "2.1 Kommentar"],
    ]
    for table in tables:
        assert table._tbl.xpath("w:tr[1]/w:trPr/w:tblHeader")
        assert not table._tbl.xpath("w:tr[2]/w:trPr/w:tblHeader")
    assert any(p.text == "Läget 30 april 2016." for p in document.paragraphs)


def per_measure(missing_text: str = "Skrivning saknas.") -> bytes:
    answer = fragment(para(run("Vi stöder lotsarna.")), para(run("Ett"), style="ListNumber"))
    other = fragment(para(run("Två nämnder, två listor:")), para(run("Första"), style="ListNumber"))
    section = MeasureSection(
        "4.1.1",
        "Etablera lotsar",
        "Kommissionen föreslår lotsar för civilsamhället.",
        "Ansvarig: Kulturförvaltningen. Delansvar: Bromma, Farsta.",
        [
            MeasureAnswer("Kulturförvaltningen", False, [AnnexField("Kommentar", answer)]),
            MeasureAnswer(
                "Bromma", False, [AnnexField("Pågående arbete", ""), AnnexField("Kommentar", other)]
            ),
            MeasureAnswer("Farsta", True, []),
        ],
    )
    doc = dataclasses.replace(
        sample_annex(draft_stamp=None),
        groups=[],
        by_measure=[MeasureReport("Stad i samverkan", [section])],
        missing_text=missing_text,
    )
    return build_annex(doc)


def test_per_measure_view_shows_every_responsible_forvaltning_under_the_atgard() -> None:
    data = per_measure("Ingen skrivning inkom.")
    assert headings(data) == [
        (1, "Delrapport: Stad i samverkan"),
        (2, "4.1.1 Åtgärd: Etablera lotsar"),
        (3, "Kulturförvaltningen"),
        (3, "Bromma"),
        (3, "Farsta"),
    ]
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert texts[texts.index("Farsta") + 1] == "Ingen skrivning inkom."  # the round's own missing text
    assert "Pågående arbete: Ingen skrivning inkom." in texts
    assert "Kommissionen föreslår lotsar för civilsamhället." in texts
    assert "Svaren per åtgärd" in texts[:5]
    body = part(data, "word/document.xml")
    ids = [
        body.xpath(f"string(//w:p[.//w:t='{t}']/w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
        for t in ("Ett", "Första")
    ]
    assert ids[0] != ids[1]  # each nämnd's numbered list starts at 1


def test_check_passes_a_built_annex_and_names_each_failure_in_swedish() -> None:
    passing = build_annex(dataclasses.replace(sample_annex(), groups=[_one(BOLD_FIRST)], appendix=APPENDIX))
    assert check_docx(passing, "bilaga.docx") == []
    unmarked = build_annex(dataclasses.replace(sample_annex(), groups=sample_annex().groups[1:]))
    assert check_docx(unmarked, "bilaga.docx") == [
        "bilaga.docx: tabell utan markerad rubrikrad under "
        "”Bromma › Delrapport: Uppväxt och utbildning › 2.1 Åtgärd: Stärk studie- och yrkesvägledningen”."
    ]

    def broken(change: Callable[[bytes], bytes], name: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(passing)) as source, zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == name:
                    content = change(content)
                target.writestr(info, content)
        return out.getvalue()

    english = broken(lambda x: x.replace(b"<dc:language>sv-SE<", b"<dc:language>en-US<"), "docProps/core.xml")
    assert check_docx(english, "b.docx") == ["b.docx: dokumentets språk är inte svenska (sv-SE) utan en-US."]
    untitled = broken(lambda x: re.sub(rb"<dc:title>.*?</dc:title>", b"<dc:title/>", x), "docProps/core.xml")
    assert check_docx(untitled, "b.docx") == ["b.docx: dokumentet saknar titel (Arkiv > Egenskaper > Titel)."]
    skipped = broken(lambda x: x.replace(b'w:val="Heading3"', b'w:val="Heading4"', 1), "word/document.xml")
    assert check_docx(skipped, "b.docx") == [
        "b.docx: rubriknivån hoppar från 2 till 4 vid ”Delrapport: Rapport” "
        "(rubriker ska följa varandra utan att hoppa över en nivå)."
    ]


def test_a_respondents_bold_first_row_is_marked_as_the_header_row() -> None:
    data = build_annex(dataclasses.replace(sample_annex(), groups=[_one(BOLD_FIRST), _one(TABLE)]))
    body = part(data, "word/document.xml")
    tables = body.xpath("/w:document/w:body/w:tbl", namespaces=NS)
    marked = [bool(t.xpath("w:tr[1]/w:trPr/w:tblHeader", namespaces=NS)) for t in tables]
    assert marked == [True, False]


def _one(table: str) -> AnnexGroup:
    field = AnnexField("Kommentar", fragment(table))
    report = AnnexReport("Rapport", [AnnexMeasure("1.1", "Åtgärd", [field])])
    return AnnexGroup("Grupp", [AnnexEntry("Förvaltning", False, reports=[report])])


def test_toc_entries_follow_the_view() -> None:
    assert toc_entries(dataclasses.replace(sample_annex(), groups=[], by_measure=[])) == []
    assert toc_entries(sample_annex())[:2] == [(1, "Fackförvaltningar"), (2, "Arbetsmarknadsförvaltningen")]
