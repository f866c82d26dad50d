"""What a coordinator sees in the annex and its workbook, read back from the files produced.

A round of its own (Utbildningsförvaltningen answers; everyone else is silent): one answer
begins with a page-tall picture, one has a lead-in and numbered and bulleted lists, one a
table, one a table laid out for a landscape page, one a table with a long row, one a picture
in a table cell. The annex (per organisation and per åtgärd) and the workbook are built
through publish_annex as `remiss annex --xlsx` / `--by-measure` build them.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx.oxml.ns import qn
from lxml import etree
from tests.annex.returned import Returned, png
from tests.helpers import issued

from remiss import resources
from remiss.documents.annex.pdf import convert_to_pdf, pdf_available
from remiss.documents.ooxml import W
from remiss.documents.word.fill import fill_response_docx
from remiss.domain.loading import load_catalog, load_round
from remiss.services import operations
from remiss.services.annex.publish import publish_annex
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace

ROUND, ORG = "sh-2016", "utbildning"
NS = {"w": W}
LONG_CELL = "Skolan har under året " + "arbetat vidare med planen och " * 10 + "följt upp resultaten."
# A table laid out for a landscape page: 18 000 twips of fixed columns, 1 000 indented, where
# the annex's text area is 9 070 wide.
_CELL = '<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>'
WIDE_TABLE = (
    '<w:tbl><w:tblPr><w:tblW w:w="18000" w:type="dxa"/><w:tblInd w:w="1000" w:type="dxa"/>'
    '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>'
    + "".join(f'<w:gridCol w:w="{width}"/>' for width in (6000, 3000, 3000, 3000, 3000))
    + "</w:tblGrid><w:tr>"
    + "".join(
        _CELL.format(w=width, t=f"Bred kolumn {i}") for i, width in enumerate((6000, 3000, 3000, 3000, 3000))
    )
    + "</w:tr></w:tbl>"
)


def keys() -> list[str]:
    catalog = load_catalog(resources.default_catalog())
    return [a.key for a in load_round(resources.bundled_round(), catalog).assignments_for(ORG, catalog)]


def tag(key: str) -> str:
    return f"remiss:{key}:kommentar"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    home = tmp_path_factory.mktemp("annexlook")
    ws = Workspace(home=home, database_url=f"sqlite:///{home / 'remiss.db'}")
    operations.create_round(ws, resources.bundled_round())
    operations.launch(open_work(ws, ROUND))
    first, second, third, fourth, fifth, sixth, *_ = keys()
    answers = {
        tag(fourth): ["Tabellen är bredare än sidan."],
        tag(second): ["Under planperioden:", "1. Kartlägga nuläget", "1. Ta fram en plan", "- Biblioteken"],
        tag(third): ["Tabellen visar läget."],
    }
    returned = Returned(fill_response_docx(issued(home, ROUND, ORG, ".docx").read_bytes(), answers))
    returned.picture(tag(first), png(60, 200, (30, 30, 200)), "Hög bild", width_cm=7.5)  # 25 cm tall
    returned.paragraph(tag(first), "Bilden visar läget.")
    returned.table(tag(third), [["Verksamhet", "Besök 2015"], ["Bibliotek", "5 200 000"]], header=True)
    returned.xml(tag(fourth), WIDE_TABLE)
    returned.table(
        tag(fifth), [["Skola", "Läget"], ["Kort rad", "Lugnt."], ["Lång rad", LONG_CELL]], header=True
    )
    returned.table(tag(sixth), [["", "Text bredvid bilden"], ["a", "b"]])
    returned.picture(tag(sixth), png(140, 70, (10, 120, 120)), "Bild i en cell", width_cm=14)
    cell = returned.content(tag(sixth)).findall(qn("w:tbl"))[-1].find(qn("w:tr")).find(qn("w:tc"))
    cell.remove(cell.find(qn("w:p")))
    cell.append(returned.content(tag(sixth))[-1])  # the picture's paragraph, into the first cell
    returned_file = home / "utbildning.docx"
    returned_file.write_bytes(returned.save())
    results = collect_paths(open_work(ws, ROUND), [returned_file])
    assert [r.outcome for r in results] == ["accepted"], [r.reason for r in results]
    result = publish_annex(open_work(ws, ROUND), home / "bilaga.docx", xlsx=True)
    by_measure = publish_annex(open_work(ws, ROUND), home / "per-atgard.docx", by_measure=True)
    return {"annex": Path(result.annex), "xlsx": Path(str(result.xlsx)), "by_measure": Path(by_measure.annex)}


def body(annex: Path) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(annex.read_bytes())) as package:
        return etree.fromstring(package.read("word/document.xml"))


def test_label_before_an_answer_that_starts_with_a_picture_is_a_paragraph_of_its_own(built) -> None:
    doc = body(built["annex"])
    after = "following-sibling::w:p[1][contains(., 'Bilden visar')]"
    picture = doc.xpath(f"//w:p[.//w:drawing][{after}]", namespaces=NS)
    assert len(picture) == 1
    assert "".join(picture[0].xpath(".//w:t/text()", namespaces=NS)) == ""  # no label beside the picture
    label = picture[0].getprevious()
    assert "".join(label.xpath(".//w:t/text()", namespaces=NS)) == "Kommentar:"
    assert label.xpath("w:r/w:rPr/w:b", namespaces=NS) and label.xpath("w:pPr/w:keepNext", namespaces=NS)


def test_appendix_rows_are_one_size_even_where_a_cell_is_empty(built) -> None:
    """Every cell's paragraph mark is 10 pt like its text: an empty "Sen" cell does not make
    its row taller than the others."""
    tables = body(built["annex"]).xpath(
        "//w:tbl[starts-with(w:tblPr/w:tblCaption/@w:val, 'Svarsstatus')]", namespaces=NS
    )
    assert len(tables) == 2
    cells = [p for table in tables for p in table.xpath(".//w:tc/w:p", namespaces=NS)]
    empty = [p for p in cells if not "".join(p.xpath(".//w:t/text()", namespaces=NS))]
    assert empty  # the "Sen" column of everyone on time
    assert {p.xpath("string(w:pPr/w:rPr/w:sz/@w:val)", namespaces=NS) for p in cells} == {"20"}


def test_workbook_keeps_list_numbers_bullets_and_table_rows(built) -> None:
    """A coordinator reading the workbook sees "1." and "•" before list items and a table's
    row on one line, not every cell on a line of its own."""
    sheet = openpyxl.load_workbook(built["xlsx"]).worksheets[0]
    header = [c.value for c in sheet[1]]
    org, number = header.index("Organisation (id)"), header.index("Åtgärd")
    comment = header.index("Kommentar")
    rows = {r[number]: r[comment] for r in sheet.iter_rows(min_row=2, values_only=True) if r[org] == ORG}
    catalog = load_catalog(resources.default_catalog())
    found = load_round(resources.bundled_round(), catalog).assignments_for(ORG, catalog)
    second, third = found[1].measure.number, found[2].measure.number
    assert rows[second] == "Under planperioden:\n1. Kartlägga nuläget\n2. Ta fram en plan\n• Biblioteken"
    assert rows[third] == "Tabellen visar läget.\nVerksamhet | Besök 2015\nBibliotek | 5 200 000"


def test_a_table_wider_than_the_page_is_scaled_into_the_text_area(built) -> None:
    """Columns, cells and the table's own width fit the 9 070 twips between the margins, in
    the proportions the nämnd gave them, and the indent that pushed it further is gone."""
    table = body(built["annex"]).xpath("//w:tbl[contains(., 'Bred kolumn 0')]", namespaces=NS)[0]
    grid = [int(v) for v in table.xpath("w:tblGrid/w:gridCol/@w:w", namespaces=NS)]
    cells = [int(v) for v in table.xpath(".//w:tcW/@w:w", namespaces=NS)]
    assert 9000 <= sum(grid) <= 9070 and cells == grid
    assert grid[0] in (2 * grid[1], 2 * grid[1] + 1)
    assert int(table.xpath("string(w:tblPr/w:tblW/@w:w)", namespaces=NS)) <= 9070
    assert not table.xpath("w:tblPr/w:tblInd", namespaces=NS)


def test_a_paragraph_introducing_a_list_is_kept_with_its_first_item(built) -> None:
    """'Under planperioden:' never ends a page with its list on the next one; the items
    themselves are not chained together."""
    doc = body(built["annex"])
    lead = doc.xpath("//w:p[contains(., 'Under planperioden:')]", namespaces=NS)[0]
    assert lead.xpath("w:pPr/w:keepNext", namespaces=NS)
    items = lead.itersiblings()
    first, second = next(items), next(items)
    assert "".join(first.xpath(".//w:t/text()", namespaces=NS)) == "Kartlägga nuläget"
    assert not first.xpath("w:pPr/w:keepNext", namespaces=NS) and not second.xpath(
        "w:pPr/w:keepNext", namespaces=NS
    )
    other = doc.xpath("//w:p[contains(., 'Tabellen visar läget.')]", namespaces=NS)[0]
    assert not other.xpath("w:pPr/w:keepNext", namespaces=NS)  # before a table: no colon, no keep


def test_an_atgards_description_is_kept_with_its_first_answer(built) -> None:
    """Heading and description never end a page with the answers overleaf: the description
    (a plain paragraph after each åtgärd's heading) is kept with the next paragraph."""
    doc = body(built["annex"])
    descriptions = doc.xpath(
        "//w:p[w:pPr/w:pStyle/@w:val='Heading4']/following-sibling::w:p[1]", namespaces=NS
    )
    assert len(descriptions) == 16  # Utbildningsförvaltningen's åtgärder
    assert all(p.xpath("w:pPr/w:keepNext", namespaces=NS) for p in descriptions)
    answers = [p.getnext() for p in descriptions]
    assert any(
        "".join(p.xpath(".//w:t/text()", namespaces=NS)) == "Kommentar: Skrivning saknas." for p in answers
    )
    assert not any(
        p.xpath("w:pPr/w:keepNext", namespaces=NS) for p in answers if "saknas" in "".join(p.itertext())
    )


def test_a_page_tall_picture_is_scaled_to_leave_room_for_its_heading(built) -> None:
    """A 25 cm tall picture is shown at most 70 % of the text area's height (24.7 cm), so the
    åtgärd's heading, description and label it is kept with fit on its page."""
    extent = body(built["annex"]).xpath("//w:drawing//*[local-name()='extent']", namespaces=NS)[0]
    height = int(extent.get("cy"))
    assert 0.69 * (16838 - 2 * 1418) * 635 < height <= 0.7 * (16838 - 2 * 1418) * 635
    assert int(extent.get("cx")) * 200 // 60 in range(height - 60, height + 60)  # aspect kept


@pytest.mark.slow
@pytest.mark.skipif(not pdf_available(), reason="LibreOffice is not installed")
def test_the_tall_picture_shares_a_page_with_its_heading_and_label_in_the_pdf(built, tmp_path) -> None:
    """In the PDF the picture (pdfimages: its page) is on the page of its åtgärd's heading
    and the label, not on the next one with the heading left alone above a blank."""
    pdf = tmp_path / "bilaga.pdf"
    convert_to_pdf(built["annex"], pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = text.decode("utf-8").split("\f")
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, check=True).stdout
    image_pages = [int(line.split()[0]) for line in listed.decode().splitlines()[2:]]
    catalog = load_catalog(resources.default_catalog())
    measure = load_round(resources.bundled_round(), catalog).assignments_for(ORG, catalog)[0].measure
    heading = next(n for n, page in enumerate(pages, start=1) if f"{measure.number} Åtgärd:" in page)
    assert image_pages[0] == heading and "Kommentar:" in pages[heading - 1]  # the first: the tall one


def test_workbook_prints_landscape_with_headings_and_forvaltning_on_every_page(built) -> None:
    for sheet in openpyxl.load_workbook(built["xlsx"]).worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.print_title_rows == "$1:$1" and sheet.print_title_cols == "$C:$C"
        assert sheet["C1"].value == "Förvaltning"


def test_workbook_shows_the_atgards_title_and_delrapport_whole(built) -> None:
    """The title column is wide enough to read and wraps, like the delrapport's: a cell next
    to a filled one would otherwise show only its first dozen characters."""
    sheet = openpyxl.load_workbook(built["xlsx"]).worksheets[0]
    header = [c.value for c in sheet[1]]
    title, report = header.index("Åtgärd (rubrik)"), header.index("Delrapport")
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(title + 1)].width >= 40
    rows = list(sheet.iter_rows(min_row=2))
    assert all(row[title].alignment.wrap_text and row[report].alignment.wrap_text for row in rows)
    assert all(cell.alignment.vertical == "top" for row in rows for cell in row)


def test_workbook_rows_are_as_tall_as_their_wrapped_answers(built) -> None:
    """LibreOffice does not fit rows to wrapped text on opening: a row's height is set for
    its longest cell (four lines of list here), and a one-line row keeps the default."""
    sheet = openpyxl.load_workbook(built["xlsx"]).worksheets[0]
    header = [c.value for c in sheet[1]]
    comment = header.index("Kommentar")
    heights = {
        row[comment].value: sheet.row_dimensions[row[0].row].height for row in sheet.iter_rows(min_row=2)
    }
    listed = "Under planperioden:\n1. Kartlägga nuläget\n2. Ta fram en plan\n• Biblioteken"
    assert heights[listed] is not None and heights[listed] >= 4 * 15
    title, report = header.index("Åtgärd (rubrik)"), header.index("Delrapport")
    short = [
        r
        for r in sheet.iter_rows(min_row=2)
        if not r[comment].value and len(r[title].value) < 45 and len(r[report].value) < 30
    ]
    assert short and all(sheet.row_dimensions[r[0].row].height is None for r in short)


def test_short_table_rows_are_not_split_over_pages_and_long_ones_may_be(built) -> None:
    """Rows of short cells carry cantSplit (no half row under the repeated header overleaf);
    a row with a long cell does not, since a row taller than a page would be cut off."""
    doc = body(built["annex"])
    rows = doc.xpath("//w:tbl[contains(., 'Kort rad')]/w:tr", namespaces=NS)
    whole = [
        "".join(r.xpath(".//w:t/text()", namespaces=NS))[:8]
        for r in rows
        if r.xpath("w:trPr/w:cantSplit", namespaces=NS)
    ]
    assert whole == ["SkolaLäg", "Kort rad"] and len(rows) == 3


def test_a_picture_wider_than_its_cell_is_scaled_into_the_cell(built) -> None:
    """A 14 cm picture in an 8 cm cell is shown at the cell's width less its margins, in
    proportion, so Word does not widen the column past the right margin."""
    cell = body(built["annex"]).xpath(
        "//w:tc[.//w:drawing][following-sibling::w:tc[contains(., 'Text bredvid')]]", namespaces=NS
    )[0]
    width = int(cell.xpath("string(w:tcPr/w:tcW/@w:w)", namespaces=NS))
    extent = cell.xpath(".//*[local-name()='extent']")[0]
    cx, cy = int(extent.get("cx")), int(extent.get("cy"))
    assert cx == (width - 216) * 635 and cy == cx // 2
    assert [(int(e.get("cx")), int(e.get("cy"))) for e in cell.xpath(".//*[local-name()='ext']")] == [
        (cx, cy)
    ]


def test_per_atgard_heading_description_and_who_leads_it_stay_together(built) -> None:
    """Per åtgärd: the description is kept with the line saying who leads the åtgärd, and
    that line ends the chain (the förvaltningar's answers follow under their own headings)."""
    doc = body(built["by_measure"])
    headings = doc.xpath("//w:p[w:pPr/w:pStyle/@w:val='Heading2'][contains(., 'Åtgärd:')]", namespaces=NS)
    assert len(headings) == 48  # every åtgärd of the round
    for heading in headings:
        description, lead = heading.getnext(), heading.getnext().getnext()
        assert description.xpath("w:pPr/w:keepNext", namespaces=NS)
        assert lead.xpath("w:r/w:rPr/w:i", namespaces=NS) and not lead.xpath(
            "w:pPr/w:keepNext", namespaces=NS
        )
