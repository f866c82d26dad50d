"""The annex built through `remiss annex` from real returned files: what the .docx holds."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from tests.annex.conftest import CHART, LINK, MAP, ROUND, assignments, place
from tests.helpers import run_cli, run_json

from remiss.documents.ooxml import PKG_RELS, R, W
from remiss.documents.word.media import WP
from remiss.settings import Workspace
from remiss.store.database import open_database
from remiss.store.schema import AuditRow

NS = {"w": W, "r": R, "wp": WP, "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


@pytest.fixture(scope="module")
def annex(published) -> bytes:
    return Path(published["annex"]).read_bytes()


@pytest.fixture(scope="module")
def body(annex) -> etree._Element:
    return part(annex, "word/document.xml")


@pytest.fixture(scope="module")
def paragraphs(annex) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(annex)).paragraphs]


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def section(paragraphs: list[str], start: str, end: str) -> list[str]:
    """The paragraphs after heading `start` up to heading `end`."""
    first = paragraphs.index(start)
    return paragraphs[first + 1 : paragraphs.index(end, first)]


def headings(body: etree._Element) -> list[tuple[str, str]]:
    return [
        (
            p.xpath("string(w:pPr/w:pStyle/@w:val)", namespaces=NS),
            "".join(p.xpath(".//w:t/text()", namespaces=NS)),
        )
        for p in body.xpath(
            "/w:document/w:body/w:p[starts-with(w:pPr/w:pStyle/@w:val, 'Heading')]", namespaces=NS
        )
    ]


def test_heading_hierarchy_groups_forvaltningar_delrapporter_atgarder_then_appendix(body) -> None:
    found = headings(body)
    assert [t for s, t in found if s == "Heading1"] == [
        "Fackförvaltningar",
        "Stadsdelsförvaltningar",
        "Sammanställning av svaren",
    ]
    kultur = found.index(("Heading2", "Kulturförvaltningen"))
    _, report, measure = place("kultur").split(" › ")
    assert found[kultur + 1 : kultur + 3] == [("Heading3", report), ("Heading4", measure)]
    levels = [int(s[-1]) for s, _ in found]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))  # no level skipped
    assert len([s for s, _ in found if s == "Heading2"]) == 31 + 2  # every recipient, appendix groups


def test_title_page_and_contents(body, paragraphs) -> None:
    assert paragraphs[0] == "Bilaga"
    assert paragraphs[2] == "Diarienummer: KS 2016/0417"
    toc = body.xpath("/w:document/w:body/w:sdt[1]//w:p", namespaces=NS)  # python-docx skips controls
    entries = ["".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in toc]
    assert entries[:3] == ["Innehåll", "Fackförvaltningar", "Arbetsmarknadsförvaltningen"]
    assert entries[-1] == "Stadsdelsförvaltningar" and len(entries) == 1 + 3 + 31 + 2


def test_formatting_lists_and_the_forvaltnings_own_style(annex, body, paragraphs) -> None:
    document = docx.Document(io.BytesIO(annex))
    runs = {r.text: r for p in document.paragraphs for r in p.runs}
    assert runs["stöder"].bold and runs["pröva"].italic and runs["Kulturhuset"].underline
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["Biblioteken"] == styles["Kulturskolan"] == "List Bullet"
    assert styles["Kartlägga nuläget"] == styles["Första steget"] == "List Number"
    own = next(p for p in document.paragraphs if p.text == "Text i nämndens egen stil.")
    assert own.style.name == "Normal" and not own._p.xpath(".//w:rFonts | .//w:sz | .//w:color")
    defined = part(annex, "word/styles.xml").xpath("//w:style/w:name/@w:val", namespaces=NS)
    assert "Nämndens brödtext" not in defined
    normal = part(annex, "word/styles.xml").xpath("//w:style[@w:styleId='Normal']", namespaces=NS)[0]
    assert not normal.xpath("w:rPr", namespaces=NS)  # the annex's Normal: Calibri 11 from the defaults


def test_numbering_restarts_in_each_answer(annex, body) -> None:
    def num_id(text: str) -> str:
        return body.xpath(f"string(//w:p[.//w:t='{text}']/w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)

    assert num_id("Kartlägga nuläget") == num_id("Ta fram en plan") != num_id("Första steget")
    numbering = part(annex, "word/numbering.xml")
    for value in (num_id("Kartlägga nuläget"), num_id("Första steget")):
        (instance,) = numbering.xpath(f"w:num[@w:numId='{value}']", namespaces=NS)
        assert instance.xpath("w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val", namespaces=NS) == ["1"]


def test_pictures_with_alt_text_link_and_table_are_kept(annex, body) -> None:
    with zipfile.ZipFile(io.BytesIO(annex)) as package:
        media = {package.read(n) for n in package.namelist() if n.startswith("word/media/")}
    assert {CHART, MAP} <= media
    alts = body.xpath("//wp:docPr/@descr", namespaces=NS)
    assert {"Diagram över besökare 2015", "Karta över stadens bibliotek"} <= set(alts)
    rels = {
        r.get("Id"): r
        for r in part(annex, "word/_rels/document.xml.rels").iter(f"{{{PKG_RELS}}}Relationship")
    }
    (link,) = body.xpath("//w:hyperlink[.//w:t='stadens webbplats']", namespaces=NS)
    assert rels[link.get(f"{{{R}}}id")].get("Target") == LINK
    (table,) = body.xpath("//w:tbl[.//w:t='Verksamhet']", namespaces=NS)
    assert table.xpath("w:tr[1]/w:trPr/w:tblHeader", namespaces=NS)
    assert table.xpath(".//w:t/text()", namespaces=NS) == [
        "Verksamhet",
        "Besök 2015",
        "Bibliotek",
        "5 200 000",
    ]


def test_tracked_changes_accepted_comments_and_control_wrappers_gone(annex, body, paragraphs) -> None:
    assert "Granskad text tillagd i granskningen" in paragraphs
    text = "".join(body.itertext())
    assert "struken mening" not in text and "Kolla siffrorna" not in text
    assert "Kommenterad mening." in paragraphs and "Text i en inre kontroll." in paragraphs
    assert not body.xpath("//w:commentReference | //w:commentRangeStart | //w:ins | //w:del", namespaces=NS)
    assert len(body.xpath("//w:sdt", namespaces=NS)) == 1  # the table of contents only
    with zipfile.ZipFile(io.BytesIO(annex)) as package:
        assert "word/comments.xml" not in package.namelist()


def test_missing_forvaltning_is_marked_and_an_empty_optional_field_is_not(paragraphs) -> None:
    assert section(paragraphs, "Kyrkogårdsförvaltningen", "Miljöförvaltningen") == ["Skrivning saknas."]
    kultur = section(paragraphs, "Kulturförvaltningen", "Kyrkogårdsförvaltningen")
    assert not [p for p in kultur if p.startswith("Pågående arbete")]  # optional, left empty: nothing
    assert "Skrivning saknas." not in " ".join(kultur)
    assert kultur[0] == "Övergripande kommentar: Kulturnämnden välkomnar kommissionens rapporter."


def test_each_atgard_is_followed_by_its_description(paragraphs) -> None:
    """As seed 001 prints it: heading, the åtgärd's description, then the answers."""
    first = assignments("kultur")[0]
    heading = f"{first.measure.number} Åtgärd: {first.measure.title}"
    at = paragraphs.index(heading, paragraphs.index("Kulturförvaltningen"))
    assert paragraphs[at + 1] == " ".join(first.measure.description.split())
    assert paragraphs[at + 2].startswith("Kommentar: Nämnden stöder åtgärden")


def test_appendix_and_draft_mark(annex) -> None:
    document = docx.Document(io.BytesIO(annex))
    rows = {
        row.cells[0].text: [c.text for c in row.cells[1:]] for t in document.tables[-2:] for row in t.rows
    }
    assert rows["Kulturförvaltningen"] == ["komplett", "2016-04-26", "", "Word 1, Excel 1", "–"]
    assert rows["Farsta"][:4] == ["ofullständig", "2016-05-03", "ja", "Word 1"]
    assert "Excelfilen har inte kommit in" in rows["Farsta"][4]
    assert rows["Kyrkogårdsförvaltningen"] == ["saknas", "–", "", "–", "–"]
    header = part(annex, "word/header1.xml")
    assert header.xpath("string(//*[local-name()='textpath']/@string)").startswith("Utkast ")


def test_check_reports_the_picture_without_alt_text_and_the_table_without_header(published) -> None:
    where = place("bromma")
    assert published["problems"] == [
        f"bilaga.docx: bild utan alternativtext under ”{where}”.",
        f"bilaga.docx: tabell utan markerad rubrikrad under ”{where}”.",
    ]


def test_per_measure_view_through_the_cli(home, tmp_path) -> None:
    out = tmp_path / "per-atgard.docx"
    result = run_json("annex", ROUND, "-o", str(out), "--by-measure")
    assert result["by_measure"] and not result["problems"] and not result["checked"]
    found = headings(part(out.read_bytes(), "word/document.xml"))
    first = next(i for i, (s, t) in enumerate(found) if s == "Heading2" and t.startswith("4.1.1 Åtgärd"))
    answers = [t for s, t in found[first + 1 : first + 20] if s == "Heading3"]
    assert answers[:3] == ["Bromma", "Enskede-Årsta-Vantör", "Farsta"]
    texts = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert section(texts, "Enskede-Årsta-Vantör", "Farsta") == ["Skrivning saknas."]


def test_final_annex_records_the_versions_it_used(home, tmp_path) -> None:
    out = tmp_path / "slutlig.docx"
    printed = run_cli("annex", ROUND, "-o", str(out), "--final")
    assert printed.strip() == str(out)
    with zipfile.ZipFile(out) as package:
        assert "word/header1.xml" not in package.namelist()
    with open_database(Workspace.from_env(home).database_url).session() as session:
        (row,) = session.query(AuditRow).filter(AuditRow.action == "annex.final").all()
    assert row.detail["versions"] == {"kultur": 1, "bromma": 1, "farsta": 1}
    assert row.detail["files"]["kultur"] == {"docx": 1, "xlsx": 1}
