"""Endnotes in answers are the annex's endnotes: numbered i, ii, iii in the order their
references stand, each with its text and formatting, after the annex's last paragraph under
a heading of their own ("Slutnoter", in the contents). Two förvaltningar's endnote 1 are
two notes. The answers are real templates with documents pasted in as Word pastes, read,
compiled, and rendered through the PDF path `remiss annex --pdf` uses.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from tests.fidelity import corpus
from tests.fidelity.test_carried import compiled
from tests.helpers import SOFFICE

from remiss.documents.annex.document import build_annex, toc_entries
from remiss.documents.annex.pdf import convert_to_pdf, pdf_available
from remiss.documents.model import (
    AnnexDocument,
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
    AppendixGroup,
    AppendixRow,
)
from remiss.documents.ooxml import W
from remiss.documents.word.media import RM
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import build_response_docx
from remiss.domain.outcomes import AnswerStatus

NS = {"w": W}
KULTUR_NOTE = "Slutnoten om revisionens iakttagelser."
BROMMA_NOTE = "Frågor om siffrorna besvaras av kulturförvaltningens kansli."


@pytest.fixture
def annex(definition, catalog, identity_for) -> AnnexDocument:
    """Kulturförvaltningen, Bromma and Farsta, each with an endnote numbered 1 in its own file."""
    entries = []
    for org, source in (("kultur", corpus.NOTES), ("bromma", corpus.NOTE_MEDIA), ("farsta", corpus.NOTES)):
        assignments = definition.assignments_for(org, catalog)
        template = build_response_docx(definition, catalog.by_id[org], assignments, identity_for(org))
        key = assignments[0].key
        data = corpus.paste(template, f"remiss:{key}:kommentar", source.docx())
        with zipfile.ZipFile(io.BytesIO(data)) as package:  # the pasted endnote keeps its own id 1
            assert b'w:endnote w:id="1"' in package.read("word/endnotes.xml")
        extracted = read_response_docx(data, f"{org}.docx", definition, assignments)
        answer = next(a for a in extracted.answers if (a.measure_key, a.field_id) == (key, "kommentar"))
        measure = AnnexMeasure("1.1", "Åtgärd", [AnnexField("Kommentar", answer.xml)])
        report = AnnexReport("Delrapport", [measure])
        entries.append(AnnexEntry(catalog.by_id[org].forvaltning, False, None, [report]))
    rows = [AppendixRow(e.name, AnswerStatus.COMPLETE) for e in entries]
    appendix = [AppendixGroup("Fackförvaltningar", rows)]
    return AnnexDocument(
        "Bilaga", "KS 1", dt.date(2026, 12, 1), [AnnexGroup("Fackförvaltningar", entries)], appendix=appendix
    )


def test_endnotes_are_numbered_in_order_and_two_forvaltningars_never_collide(annex: AnnexDocument) -> None:
    package = zipfile.ZipFile(io.BytesIO(build_annex(annex)))
    document = etree.fromstring(package.read("word/document.xml"))
    endnotes = etree.fromstring(package.read("word/endnotes.xml"))
    notes = {n.get(f"{{{W}}}id"): n for n in endnotes.findall("w:endnote", NS)}
    assert list(notes) == ["-1", "0", "1", "2", "3"]
    references = [r.get(f"{{{W}}}id") for r in document.iterfind(".//w:endnoteReference", NS)]
    assert references == ["1", "2", "3"]  # in the order the answers stand
    texts = ["".join(notes[i].itertext()).strip() for i in references]
    assert texts == [KULTUR_NOTE, BROMMA_NOTE, KULTUR_NOTE]
    assert notes["2"].xpath(".//w:r[w:rPr/w:i]/w:t/text()", namespaces=NS) == ["siffrorna"]  # formatting kept
    assert all(notes[i].find(".//w:endnoteRef", NS) is not None for i in references)  # a number mark each
    settings = etree.fromstring(package.read("word/settings.xml"))
    fmt = "w:{0}Pr/w:numFmt"
    assert settings.find(fmt.format("endnote"), NS).get(f"{{{W}}}val") == "lowerRoman"
    assert settings.find(fmt.format("footnote"), NS).get(f"{{{W}}}val") == "decimal"
    assert settings.find("w:endnotePr/w:pos", NS).get(f"{{{W}}}val") == "docEnd"
    # the annex ends with the endnotes' heading, after the appendix, and the contents list it
    headings = [
        "".join(p.itertext())
        for p in document.iterfind(".//w:body/w:p", NS)
        if p.find("w:pPr/w:pStyle[@w:val='Heading1']", NS) is not None
    ]
    assert headings[-2:] == ["Sammanställning av svaren", "Slutnoter"]
    body = document.find("w:body", NS)
    assert "".join(body[-2].itertext()) == "Slutnoter" and body[-1].tag == f"{{{W}}}sectPr"
    assert toc_entries(annex)[-1] == (1, "Slutnoter")


def test_an_annex_without_endnotes_has_no_endnotes_heading() -> None:
    plain = f'<w:sdtContent xmlns:w="{W}"><w:p><w:r><w:t>Inga noter här.</w:t></w:r></w:p></w:sdtContent>'
    document = compiled(plain).read("word/document.xml").decode()
    assert "Slutnoter" not in document and "Inga noter här." in document


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None or not pdf_available(),
    reason="needs LibreOffice with its Python bridge and pdftotext",
)
def test_the_endnotes_follow_their_heading_on_the_last_page(annex: AnnexDocument, tmp_path: Path) -> None:
    source, pdf = tmp_path / "bilaga.docx", tmp_path / "bilaga.pdf"
    source.write_bytes(build_annex(annex))
    pages = convert_to_pdf(source, pdf)
    last = subprocess.run(
        ["pdftotext", "-layout", "-f", str(pages), "-l", str(pages), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [" ".join(line.split()) for line in last.splitlines() if line.strip()]
    assert lines[0] == "Slutnoter"  # LibreOffice lays them out on the heading's page, as Word does
    labelled = [(lines[n], lines[n + 1]) for n in range(len(lines) - 1) if lines[n] in ("i", "ii", "iii")]
    assert labelled == [("i", KULTUR_NOTE), ("ii", BROMMA_NOTE), ("iii", KULTUR_NOTE)]
    body = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(body.split())
    assert "Se även slutnoteni." in flat and "i en slutnot ii." in flat and "Se även slutnoteniii." in flat
    assert pdf.read_bytes().count(b"/URI(mailto:kultur@stockholm.se)") == 1  # the endnote's link lives


def _answer_with_endnote(run_properties: str) -> str:
    return (
        f'<w:sdtContent xmlns:w="{W}" xmlns:rm="{RM}"><w:p><w:r><w:t>Synlig text.</w:t></w:r>'
        f'<w:r>{run_properties}<rm:noteRef rm:kind="endnote" rm:id="1"/></w:r></w:p>'
        '<rm:note rm:kind="endnote" rm:id="1"><w:p><w:r><w:t>Slutnotens text.</w:t></w:r></w:p></rm:note>'
        "</w:sdtContent>"
    )


@pytest.mark.parametrize("hidden", ["<w:vanish/>", "<w:specVanish/>", "<w:webHidden/>"])
def test_an_endnote_referenced_only_from_hidden_text_gives_no_empty_heading(hidden: str) -> None:
    shown = compiled(_answer_with_endnote("<w:rPr><w:i/></w:rPr>"))
    assert "Slutnoter" in shown.read("word/document.xml").decode()
    assert "Slutnotens text." in shown.read("word/endnotes.xml").decode()
    package = compiled(_answer_with_endnote(f"<w:rPr>{hidden}</w:rPr>"))
    document = package.read("word/document.xml").decode()
    assert "Synlig text." in document
    assert "Slutnoter" not in document and "endnoteReference" not in document
