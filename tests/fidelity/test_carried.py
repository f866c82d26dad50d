"""What an answer carries is checked on the way in and on the way out (no LibreOffice needed):
a respondent's list definition cannot put a value into the annex that Word would refuse, a
reference to a note the file lacks goes, and answers stored before lists were carried
still compile."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from lxml import etree
from tests.fidelity import corpus

from remiss.documents.annex.document import build_annex
from remiss.documents.model import (
    AnnexDocument,
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
)
from remiss.documents.ooxml import W
from remiss.documents.word.lists import RM_LIST

NS = {"w": W}


def compiled(xml: str) -> zipfile.ZipFile:
    measure = AnnexMeasure("1.1", "Åtgärd", [AnnexField("Kommentar", xml)])
    entry = AnnexEntry("Kulturförvaltningen", False, None, [AnnexReport("Delrapport", [measure])])
    doc = AnnexDocument("Bilaga", "KS 1", dt.date(2026, 12, 1), [AnnexGroup("Fackförvaltningar", [entry])])
    return zipfile.ZipFile(io.BytesIO(build_annex(doc)))


def test_a_list_definition_carries_only_values_word_accepts(answer) -> None:
    forged = corpus.Source(
        name="forged",
        body=corpus.item("Punkt", 1) + corpus.item("Djupare", 1, 1),
        numbering=corpus.abstract(
            0,
            '<w:lvl w:ilvl="0"><w:start w:val="x"/><w:numFmt w:val="&lt;script&gt;"/><w:lvlText w:val="%1."/>'
            '<w:lvlJc w:val="diagonal"/><w:pPr><w:ind w:left="720px" w:hanging="360"/>'
            '<w:spacing w:after="9"/></w:pPr><w:rPr><w:rFonts w:ascii="Symbol" w:hint="evil"/>'
            '<w:color w:val="FF0000"/></w:rPr></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="3"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/>'
            '<w:lvlPicBulletId w:val="4"/><w:pStyle w:val="Rubrik1"/></w:lvl>',
        )
        + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>',
    )
    found, _warnings = answer(forged)
    (carried,) = etree.fromstring(found.xml).iter(RM_LIST)
    first, second = carried.findall("w:lvl", NS)[:2]
    assert etree.tostring(first, encoding="unicode").count("<w:") == 9  # lvl and the 8 below
    assert first.find("w:numFmt", NS).get(f"{{{W}}}val") == "decimal"
    assert first.find("w:start", NS).get(f"{{{W}}}val") == "1"
    assert first.find("w:lvlJc", NS).get(f"{{{W}}}val") == "left"
    assert first.find("w:pPr/w:ind", NS).attrib == {f"{{{W}}}hanging": "360"}
    assert first.find("w:rPr/w:rFonts", NS).attrib == {f"{{{W}}}ascii": "Symbol"}
    assert second.find("w:lvlPicBulletId", NS) is None and second.find("w:pStyle", NS) is None
    assert second.find("w:start", NS).get(f"{{{W}}}val") == "3"
    numbering = etree.fromstring(compiled(found.xml).read("word/numbering.xml"))
    (own,) = [a for a in numbering.findall("w:abstractNum", NS) if a.get(f"{{{W}}}abstractNumId") == "10"]
    assert [lvl.find("w:numFmt", NS).get(f"{{{W}}}val") for lvl in own.findall("w:lvl", NS)][:2] == [
        "decimal",
        "lowerLetter",
    ]
    assert len(own.findall("w:lvl", NS)) == 9


def test_a_reference_to_a_note_the_file_lacks_is_dropped_and_reported(answer) -> None:
    def point_elsewhere(xml: bytes) -> bytes:  # as a hand-edited or damaged file would
        return re.sub(rb'(<w:footnoteReference w:id=")\d+"', rb'\g<1>77"', xml)

    found, warnings = answer(corpus.NOTES, point_elsewhere)
    assert "Källa" not in found.text and "Slutnoten" in found.text
    assert "footnote" not in found.xml
    assert any("fotnoter i svaret" in m for m in warnings)
    document = compiled(found.xml).read("word/document.xml").decode()
    assert "footnoteReference" not in document


def test_notes_and_their_references_compile_into_one_part(answer) -> None:
    found, warnings = answer(corpus.NOTES)
    assert not warnings
    package = compiled(found.xml)
    footnotes = etree.fromstring(package.read("word/footnotes.xml"))
    ids = [n.get(f"{{{W}}}id") for n in footnotes.findall("w:footnote", NS)]
    assert ids == ["-1", "0", "1", "2"]
    document = etree.fromstring(package.read("word/document.xml"))
    assert [r.get(f"{{{W}}}id") for r in document.iterfind(".//w:footnoteReference", NS)] == ["1", "2"]
    assert found.text.endswith(
        "[1] Källa: Besöksstatistik för stadens bibliotek 2015.\n"
        "[2] Enligt bokslutet för kulturnämnden.\n[3] Slutnoten om revisionens iakttagelser."
    )


def test_an_answer_stored_before_lists_were_carried_still_compiles_as_before() -> None:
    stored = (
        f'<w:sdtContent xmlns:w="{W}"><w:p><w:pPr><w:pStyle w:val="ListParagraph"/>'
        '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr>'
        "<w:r><w:t>Gammal punkt</w:t></w:r></w:p></w:sdtContent>"
    )
    document = etree.fromstring(compiled(stored).read("word/document.xml"))
    (item,) = [p for p in document.iter(f"{{{W}}}p") if "".join(p.itertext()) == "Gammal punkt"]
    assert item.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val") == "ListBullet"
