"""The compiled annex: structure, answer cleaning, footer, language — read back with python-docx,
and (slow) rendered by LibreOffice. Contents, appendix, per-åtgärd view and watermark:
test_annex_views.py; pictures and links: test_annex_media.py; from real returned files:
tests/annex/."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from remiss.documents.annex.document import build_annex
from remiss.documents.annex.package import NAMESPACES
from remiss.documents.model import (
    AnnexDocument,
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
)
from remiss.documents.ooxml import R, W
from remiss.errors import DocumentError

NS = {"w": W, "r": R}
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006"
TEXT = "Nämnden delar kommissionens bedömning och avser att utveckla samarbetet under planperioden."


def fragment(*blocks: str) -> str:
    """A cleaned answer as the reader hands it over: a serialized w:sdtContent."""
    return (
        f'<w:sdtContent xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="{DRAWING}/wordprocessingDrawing" '
        f'xmlns:a="{DRAWING}/main" '
        f'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">{"".join(blocks)}</w:sdtContent>'
    )


def para(*runs: str, style: str = "", numpr: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    ppr = f"<w:pPr>{style_xml}{numpr}</w:pPr>" if style or numpr else ""
    return f'<w:p w14:paraId="0A1B2C3D" w:rsidR="00112233">{ppr}{"".join(runs)}</w:p>'


def run(text: str, rpr: str = "") -> str:
    props = f'<w:rPr>{rpr}<w:rFonts w:ascii="Times New Roman"/><w:sz w:val="28"/></w:rPr>'
    return f'<w:r>{props}<w:t xml:space="preserve">{text}</w:t></w:r>'


TABLE = (
    '<w:tbl><w:tblPr><w:tblStyle w:val="Tabellrutnt"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
    '<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>'
    + "".join(
        f"<w:tr>{''.join(f'<w:tc>{para(run(cell))}</w:tc>' for cell in row)}</w:tr>"
        for row in (("År", "Antal platser"), ("2016", "120"), ("2017", "150"))
    )
    + "</w:tbl>"
)
FIRST_ANSWER = fragment(
    para(run(f"{TEXT} Detta är "), run("fetstil", "<w:b/>"), run(" och "), run("kursiv", "<w:i/>"), run(".")),
    para(run("Ett andra stycke i samma svar.")),
)
LISTS_AND_TABLE = fragment(
    para(run("Nämnden föreslår:")),
    para(run("Första punkten"), style="ListBullet"),
    para(run("Andra punkten"), style="ListBullet"),
    para(run("Steg ett"), style="ListNumber"),
    para(run("Steg två"), style="ListNumber"),
    TABLE,
)
FOREIGN = fragment(
    para(run("Text i en egen stil."), style="MyOwnStyle"),
    para(
        run("Läs mer på "),
        '<w:hyperlink r:id="rId42"><w:r><w:rPr><w:rStyle w:val="Hyperlnk"/></w:rPr>'
        "<w:t>start.stockholm</w:t></w:r></w:hyperlink>",
        run("."),
    ),
    para(
        '<w:r><w:drawing><wp:inline><a:graphic><a:graphicData><a:blip r:embed="rId7"/>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>",
        run("Sidbrytning följer"),
        '<w:r><w:br w:type="page"/></w:r>',
    ),
    para(run("Egen numrering"), numpr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="17"/></w:numPr>'),
    para(
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> INCLUDETEXT "http://example.invalid/x" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        run("Fältresultat"),
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        run(" Dold text", "<w:vanish/>"),
    ),
    para(run("En egen rubrik"), style="Heading1"),
)
NUMBERED_ONLY = fragment(
    para(run("Ett"), style="ListNumber"),
    para(run("Två"), style="ListNumber"),
    para(run("Tre"), style="ListNumber"),
)
TABLE_FIRST = fragment(TABLE, para(run("Efter tabellen.")))


def measure(number: str, title: str, *fields: tuple[str, str]) -> AnnexMeasure:
    return AnnexMeasure(number, title, [AnnexField(label, xml) for label, xml in fields])


def sample_annex(draft_stamp: str | None = "Utkast 2016-04-20 14:05") -> AnnexDocument:
    first_report = AnnexReport(
        "Arbete och försörjning",
        [
            measure(
                "1.1",
                "Etablera ett nära och långsiktigt samarbete med akademin",
                ("Pågående arbete", FIRST_ANSWER),
                ("Kommentar", LISTS_AND_TABLE),
            ),
            measure(
                "1.2",
                "Förstärk och samordna den uppsökande verksamheten",
                ("Kommentar", FOREIGN),
                ("Ekonomiska konsekvenser", ""),
            ),
        ],
    )
    general = AnnexField("Övergripande kommentar", fragment(para(run(TEXT))))
    arbetsmarknad = AnnexEntry("Arbetsmarknadsförvaltningen", False, general, [first_report])
    second_report = AnnexReport(
        "Uppväxt och utbildning",
        [
            measure(
                "2.1",
                "Stärk studie- och yrkesvägledningen",
                ("Kommentar", NUMBERED_ONLY),
                ("Pågående arbete", TABLE_FIRST),
            )
        ],
    )
    bromma = AnnexEntry("Bromma", missing=False, reports=[second_report])
    groups = [
        AnnexGroup("Fackförvaltningar", [arbetsmarknad, AnnexEntry("Kyrkogårdsförvaltningen", missing=True)]),
        AnnexGroup("Stadsdelsförvaltningar", [bromma, AnnexEntry("Skärholmen", missing=True)]),
    ]
    title = "Underlag för budget 2017 med inriktning 2018–2019"
    return AnnexDocument(title, "KS 2016/0123", dt.date(2016, 4, 29), groups, draft_stamp=draft_stamp)


def one_answer_annex(xml: str) -> AnnexDocument:
    report = AnnexReport("Delrapport", [measure("1.1", "Åtgärd", ("Kommentar", xml))])
    entry = AnnexEntry("Bromma", missing=False, reports=[report])
    group = AnnexGroup("Stadsdelsförvaltningar", [entry])
    return AnnexDocument("Titel", "KS 2016/1", dt.date(2016, 4, 29), [group])


@pytest.fixture(scope="module")
def annex_bytes() -> bytes:
    return build_annex(sample_annex())


@pytest.fixture(scope="module")
def document(annex_bytes: bytes):
    return docx.Document(io.BytesIO(annex_bytes))


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def paragraph_after(document, text: str):
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == text)
    return paragraphs[index + 1]


def test_headings_follow_groups_entries_reports_and_measures(document) -> None:
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Fackförvaltningar"),
        ("Heading 2", "Arbetsmarknadsförvaltningen"),
        ("Heading 3", "Delrapport: Arbete och försörjning"),
        ("Heading 4", "1.1 Åtgärd: Etablera ett nära och långsiktigt samarbete med akademin"),
        ("Heading 4", "1.2 Åtgärd: Förstärk och samordna den uppsökande verksamheten"),
        ("Heading 2", "Kyrkogårdsförvaltningen"),
        ("Heading 1", "Stadsdelsförvaltningar"),
        ("Heading 2", "Bromma"),
        ("Heading 3", "Delrapport: Uppväxt och utbildning"),
        ("Heading 4", "2.1 Åtgärd: Stärk studie- och yrkesvägledningen"),
        ("Heading 2", "Skärholmen"),
    ]


def test_title_page(document) -> None:
    title, subtitle, number, date = (p.text for p in document.paragraphs[:4])
    assert (title, number, date) == ("Bilaga", "Diarienummer: KS 2016/0123", "29 april 2016")
    assert subtitle == "Underlag för budget 2017 med inriktning 2018–2019"
    assert document.paragraphs[0].style.name == "Title"


def test_missing_organisation_and_missing_field_print_the_missing_text(document) -> None:
    assert paragraph_after(document, "Kyrkogårdsförvaltningen").text == "Skrivning saknas."
    assert paragraph_after(document, "Skärholmen").text == "Skrivning saknas."
    empty_field = next(p for p in document.paragraphs if p.text.startswith("Ekonomiska konsekvenser"))
    assert empty_field.text == "Ekonomiska konsekvenser: Skrivning saknas."
    assert empty_field.runs[0].bold


def test_label_is_a_bold_lead_in_of_the_answers_first_paragraph(document) -> None:
    general = paragraph_after(document, "Arbetsmarknadsförvaltningen")
    assert general.text == f"Övergripande kommentar: {TEXT}"
    assert general.runs[0].text == "Övergripande kommentar: " and general.runs[0].bold
    answer = paragraph_after(document, "1.1 Åtgärd: Etablera ett nära och långsiktigt samarbete med akademin")
    assert answer.runs[0].text == "Pågående arbete: " and answer.runs[0].bold
    assert answer.text.startswith(f"Pågående arbete: {TEXT} Detta är fetstil och kursiv.")
    assert not answer.runs[1].bold
    comment = next(p for p in document.paragraphs if p.text.startswith("Kommentar: Nämnden föreslår"))
    assert comment.runs[0].text == "Kommentar: " and comment.runs[0].bold


def test_label_gets_its_own_paragraph_before_a_table_or_a_list(document) -> None:
    numbered = paragraph_after(document, "2.1 Åtgärd: Stärk studie- och yrkesvägledningen")
    assert numbered.text == "Kommentar:" and numbered.runs[0].bold
    assert paragraph_after(document, "Kommentar:").text == "Ett"
    assert any(p.text == "Pågående arbete:" for p in document.paragraphs)


def test_bold_italic_kept_respondent_fonts_and_sizes_dropped(document, annex_bytes: bytes) -> None:
    runs = {r.text: r for p in document.paragraphs for r in p.runs}
    assert runs["fetstil"].bold and not runs["fetstil"].italic
    assert runs["kursiv"].italic and not runs["kursiv"].bold
    body = part(annex_bytes, "word/document.xml")
    assert not body.xpath("//w:rFonts | //w:sz", namespaces=NS)
    assert not body.xpath("//@*[local-name()='paraId' or starts-with(local-name(), 'rsid')]")


def test_table_kept_with_the_annex_grid_style(document, annex_bytes: bytes) -> None:
    assert len(document.tables) == 2
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [["År", "Antal platser"], ["2016", "120"], ["2017", "150"]]
    assert table.style.name == "Table Grid"


def test_lists_use_the_annex_styles_and_numbering_restarts_per_answer(document, annex_bytes: bytes) -> None:
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["Första punkten"] == styles["Andra punkten"] == "List Bullet"
    assert styles["Steg ett"] == styles["Ett"] == "List Number"
    assert styles["Egen numrering"] == "List Bullet"  # a numPr of the respondent's own
    body = part(annex_bytes, "word/document.xml")

    def num_id(text: str) -> str:
        (value,) = body.xpath(f"//w:p[.//w:t='{text}']/w:pPr/w:numPr/w:numId/@w:val", namespaces=NS)
        return value

    assert num_id("Steg ett") == num_id("Steg två") != num_id("Ett") == num_id("Tre")
    numbering = part(annex_bytes, "word/numbering.xml")
    for value in (num_id("Steg ett"), num_id("Ett")):
        (instance,) = numbering.xpath(f"w:num[@w:numId='{value}']", namespaces=NS)
        assert instance.xpath("w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val", namespaces=NS) == ["1"]


def test_foreign_styles_links_images_and_page_breaks_do_not_reach_the_annex(
    document, annex_bytes: bytes
) -> None:
    body = part(annex_bytes, "word/document.xml")
    xml = etree.tostring(body, encoding="unicode")
    assert "MyOwnStyle" not in xml and "Hyperlnk" not in xml and "Tabellrutnt" not in xml
    defined = set(part(annex_bytes, "word/styles.xml").xpath("//w:style/@w:styleId", namespaces=NS))
    used = set(body.xpath("//w:pStyle/@w:val | //w:rStyle/@w:val | //w:tblStyle/@w:val", namespaces=NS))
    assert used <= defined
    assert {"ListBullet", "ListNumber", "Heading1", "Heading4"} <= used
    answers = "/w:document/w:body/*[not(self::w:sdt)]"  # everything but the table of contents
    gone = ("w:hyperlink", "w:drawing", "w:br[@w:type='page']", "w:instrText", "w:fldChar", "w:vanish")
    # The respondent's link and picture point at rIds of their own file: not trusted, not kept.
    assert not body.xpath(" | ".join(f"{answers}//{tag}" for tag in gone), namespaces=NS)
    referencing = body.xpath("//*[@r:*]", namespaces=NS)
    assert {etree.QName(el).localname for el in referencing} == {"headerReference", "footerReference"}
    relationships = {rel.get("Id") for rel in part(annex_bytes, "word/_rels/document.xml.rels")}
    assert set(body.xpath("//@r:id", namespaces=NS)) <= relationships
    texts = [p.text for p in document.paragraphs]
    assert "Läs mer på start.stockholm." in texts
    assert "[bild utelämnad] Sidbrytning följer" in texts
    assert "Fältresultat" in texts  # a field's last result stays, its code does not
    heading = next(p for p in document.paragraphs if p.text == "En egen rubrik")
    assert heading.style.name == "Normal" and heading.runs[0].bold


def test_other_prefixes_and_foreign_attributes_are_normalised() -> None:
    """A fragment using another prefix for WordprocessingML, with a w14 attribute on a
    table cell width, still lands in document.xml under the document's own declarations."""
    odd = (
        f'<x:sdtContent xmlns:x="{W}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
        "<x:p><x:r><x:t>Annat prefix.</x:t></x:r></x:p>"
        '<x:tbl><x:tr><x:tc><x:tcPr><x:tcW x:w="2000" x:type="dxa" w14:extra="1"/></x:tcPr>'
        "<x:p><x:r><x:t>Cell</x:t></x:r></x:p></x:tc></x:tr></x:tbl></x:sdtContent>"
    )
    data = build_annex(one_answer_annex(odd))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode()
    assert xml.count("xmlns") == len(NAMESPACES)  # w, r, m and DrawingML's, on the root only
    assert "w14" not in xml and "x:" not in xml
    body = etree.fromstring(xml.encode())
    assert body.xpath("string(//w:tcW/@w:w)", namespaces=NS) == "2000"
    texts = ["".join(p.itertext()) for p in body.iter(f"{{{W}}}p")]
    assert "Kommentar: Annat prefix." in texts and "Cell" in texts


def test_footer_numbers_pages_as_page_of_total(document) -> None:
    root = document.sections[0].footer._element
    pieces = root.xpath("//w:instrText/text() | //w:t/text()")  # python-docx's xpath knows w:
    assert pieces == [" PAGE ", "1", " (", " NUMPAGES ", "1", ")"]
    assert root.xpath("//w:fldChar/@w:fldCharType") == ["begin", "separate", "end"] * 2


def test_language_title_and_fonts(document, annex_bytes: bytes) -> None:
    core = part(annex_bytes, "docProps/core.xml")
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    assert core.xpath("dc:title/text()", namespaces=dc) == [
        "Underlag för budget 2017 med inriktning 2018–2019"
    ]
    assert core.xpath("dc:language/text()", namespaces=dc) == ["sv-SE"]
    assert document.core_properties.title == "Underlag för budget 2017 med inriktning 2018–2019"
    styles = part(annex_bytes, "word/styles.xml")
    defaults = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr", namespaces=NS)[0]
    assert defaults.xpath("w:lang/@w:val", namespaces=NS) == ["sv-SE"]
    assert defaults.xpath("w:rFonts/@w:ascii", namespaces=NS) == ["Calibri"]
    assert defaults.xpath("w:sz/@w:val", namespaces=NS) == ["22"]
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7


def test_draft_stamp_is_in_the_header_and_absent_from_a_final_annex(document) -> None:
    header = " ".join(p.text for p in document.sections[0].header.paragraphs)
    assert header == "UTKAST – 2016-04-20 14:05"  # the stamp's own "Utkast" is not repeated
    final = docx.Document(io.BytesIO(build_annex(sample_annex(draft_stamp=None))))
    assert final.sections[0].header.is_linked_to_previous  # no header part at all
    assert not any("UTKAST" in p.text for p in final.paragraphs)


def test_same_input_gives_the_same_bytes(annex_bytes: bytes) -> None:
    assert build_annex(sample_annex()) == annex_bytes


def test_an_unsafe_fragment_is_refused_naming_the_organisation() -> None:
    evil = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + fragment(para(run("&e;")))
    with pytest.raises(DocumentError, match="Svaret ”Kommentar” från Bromma kunde inte"):
        build_annex(one_answer_annex(evil))


# --- LibreOffice ---------------------------------------------------------------------------

SOFFICE = Path("/usr/bin/soffice")


def to_pdf(docx_path: Path, out_dir: Path) -> str:
    """Convert with a private LibreOffice profile and return the PDF's text (layout kept)."""
    profile = Path("/tmp") / f"remiss-lo-{uuid.uuid4().hex}"
    command = [str(SOFFICE), "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf"]
    try:
        subprocess.run(
            [*command, "--outdir", str(out_dir), str(docx_path)], check=True, capture_output=True, timeout=180
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = out_dir / f"{docx_path.stem}.pdf"
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.mark.slow
@pytest.mark.skipif(not SOFFICE.exists(), reason="LibreOffice is not installed")
def test_libreoffice_renders_the_annex_with_page_numbers(tmp_path: Path, annex_bytes: bytes) -> None:
    path = tmp_path / "bilaga.docx"
    path.write_bytes(annex_bytes)
    text = to_pdf(path, tmp_path)
    pages = [page for page in text.split("\f") if page.strip()]
    assert "Skrivning saknas." in text and "Kommentar: Nämnden föreslår" in text
    first = re.search(r"\b1 \((\d+)\)", pages[0])
    assert first and int(first.group(1)) == len(pages) >= 3
    assert f"2 ({len(pages)})" in pages[1] and "UTKAST" in pages[1]


def test_a_large_annex_keeps_every_organisation_and_answer() -> None:
    """Many organisations with every kind of answer: a correctness check only (speed is
    measured in benchmarks/, never by a timed unit test)."""
    answers = [FIRST_ANSWER, LISTS_AND_TABLE, FOREIGN, NUMBERED_ONLY, TABLE_FIRST]
    labels = ("Pågående arbete", "Kommentar", "Ekonomiska konsekvenser")
    general = AnnexField("Övergripande kommentar", FIRST_ANSWER)

    def report(n: int) -> AnnexReport:
        fields = [[(label, answers[(n + m + j) % 5]) for j, label in enumerate(labels)] for m in range(5)]
        return AnnexReport(
            "Arbete och försörjning", [measure(f"1.{m}", "Åtgärd", *fields[m]) for m in range(5)]
        )

    count = 200
    entries = [AnnexEntry(f"Förvaltning {n}", n % 25 == 0, general, [report(n)]) for n in range(count)]
    doc = AnnexDocument("Titel", "KS 2016/1", dt.date(2016, 4, 29), [AnnexGroup("Förvaltningar", entries)])
    body = part(build_annex(doc), "word/document.xml")  # python-docx's style lookups are slow here
    assert len(body.xpath("//w:pStyle[@w:val='Heading2']", namespaces=NS)) == count
    assert len(body.xpath("//w:pStyle[@w:val='TOC2']", namespaces=NS)) == count
    missing = body.xpath("//w:p[w:r/w:t='Skrivning saknas.']", namespaces=NS)
    assert len(missing) == count // 25  # the missing ones, and no other answer is empty
    answered = count - count // 25
    # Each organisation's 15 answers cycle through the 5 kinds, 2 of which hold a table.
    assert len(body.xpath("//w:tbl", namespaces=NS)) == answered * 15 * 2 // 5
    restarts = part(build_annex(doc), "word/numbering.xml").xpath("//w:num", namespaces=NS)
    assert len(restarts) == 2 + len(set(body.xpath("//w:numPr/w:numId/@w:val", namespaces=NS)))
