"""Answers exactly as written: the fidelity corpus collected and compiled, checked in the
annex's XML and in its pages as LibreOffice renders them, next to the source documents
rendered the same way, and next to what docxcompose makes of the same documents."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from tests.fidelity import corpus
from tests.fidelity.conftest import Collected, Placed, part

from remiss.documents.ooxml import W

pytestmark = pytest.mark.slow
NS = {"w": W}
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PLACEHOLDER_WORDS = {"Object"}  # what LibreOffice draws in place of a chart it cannot render


def labels(text: str, item: str) -> list[str]:
    """The label rendered before each occurrence of a list item ("1.1.", "a)", "(i)")."""
    found = []
    for line in text.splitlines():
        if line.rstrip().endswith(item):
            before = line[: line.rindex(item)].split()
            found.append(before[-1] if before else "")
    return found


def words(text: str) -> set[str]:
    """The words of a rendered text: tokens with a letter, punctuation stripped."""
    tokens = {token.strip(".,:;()[]–-”\"'") for token in text.split()}
    return {token for token in tokens if re.search(r"[^\W\d_]", token)} - PLACEHOLDER_WORDS


def by_name(placed: list[Placed], name: str, made_by: str = "Word") -> Placed:
    return next(p for p in placed if p.source.name == name and p.made_by == made_by)


def test_numbered_lists_keep_every_label_as_the_source_renders_it(collected: Collected, placed) -> None:
    annex = collected.rendered["annex"]
    word, libreoffice = by_name(placed, "listor"), by_name(placed, "listor", "LibreOffice")
    for item, label in corpus.LISTS.labels.items():
        assert labels(collected.rendered[word.name], item) == [label], item  # the source is as designed
        source_labels = [*labels(collected.rendered[libreoffice.name], item), label]
        # In the annex the LibreOffice copy (Pågående arbete) comes before the Word one (Kommentar).
        assert labels(annex, item) == source_labels, item


def test_each_list_gets_a_definition_of_its_own_with_all_nine_levels(collected: Collected) -> None:
    numbering = etree.fromstring(part(collected.annex, "word/numbering.xml"))
    carried = [a for a in numbering.findall("w:abstractNum", NS) if int(a.get(f"{{{W}}}abstractNumId")) >= 10]
    assert carried and all(len(a.findall("w:lvl", NS)) == 9 for a in carried)
    texts = {lvl.find("w:lvlText", NS).get(f"{{{W}}}val") for a in carried for lvl in a.findall("w:lvl", NS)}
    assert {"%1.", "%1.%2.", "%1.%2.%3.", "%4)", "(%5)", "%1)", "(%1)"} <= texts
    starts = {lvl.find("w:start", NS).get(f"{{{W}}}val") for a in carried for lvl in a.findall("w:lvl", NS)}
    assert "5" in starts
    indents = {
        lvl.find("w:pPr/w:ind", NS).get(f"{{{W}}}left") for a in carried[:1] for lvl in a.findall("w:lvl", NS)
    }
    assert {"720", "1080", "1440", "1800", "2160"} <= indents  # the source's indentation steps


def test_footnotes_and_endnotes_are_real_notes_with_their_formatting(collected: Collected) -> None:
    document = etree.fromstring(part(collected.annex, "word/document.xml"))
    footnotes = etree.fromstring(part(collected.annex, "word/footnotes.xml"))
    endnotes = etree.fromstring(part(collected.annex, "word/endnotes.xml"))
    referenced = [r.get(f"{{{W}}}id") for r in document.iterfind(".//w:footnoteReference", NS)]
    assert len(referenced) == 4  # two notes, in the Word and the LibreOffice copy
    notes = {n.get(f"{{{W}}}id"): n for n in footnotes.findall("w:footnote", NS)}
    source = notes[referenced[-2]]
    assert "".join(source.itertext()).strip() == "Källa: Besöksstatistik för stadens bibliotek 2015."
    assert source.xpath(".//w:r[w:rPr/w:b]/w:t/text()", namespaces=NS) == ["Källa:"]
    assert source.xpath(".//w:r[w:rPr/w:i]/w:t/text()", namespaces=NS) == ["Besöksstatistik"]
    assert source.find(".//w:footnoteRef", NS) is not None
    assert len(document.findall(".//w:endnoteReference", NS)) == 2
    assert "Slutnoten om revisionens iakttagelser." in "".join(endnotes.itertext())
    pages = collected.rendered["annex"]
    for text in ("Källa: Besöksstatistik för stadens bibliotek 2015.", "Enligt bokslutet för kulturnämnden."):
        assert pages.count(text) == 2
    assert pages.count("Slutnoten om revisionens iakttagelser.") == 2


def test_text_in_text_boxes_is_read_in_place_and_a_box_alone_is_an_answer(collected: Collected) -> None:
    assert collected.results["bromma"] == "accepted"  # not "incomplete" as an unchanged file
    text = "Nämnden svarar i en textruta: budgeten räcker inte till fler filialer."
    assert collected.rendered["annex"].count(text) == 2  # Kulturförvaltningen and Bromma


def test_charts_smartart_vector_and_linked_pictures_leave_a_visible_line(collected: Collected) -> None:
    pages = collected.rendered["annex"]
    for line in (
        "[Diagram: Besök per år 2012–2015 – ingår inte i sammanställningen]",
        "[SmartArt-grafik: Organisationsschema – ingår inte i sammanställningen]",
        "[Bild: Karta i vektorformat – ingår inte i sammanställningen]",
        "[Länkad bild: Länkad logotyp – ingår inte i sammanställningen]",
        "[Diagram: Kostnader per verksamhet – ingår inte i sammanställningen]",
    ):
        assert line in pages
    assert collected.results["farsta"] == "accepted"  # an answer that is only a chart is an answer


def test_formatting_from_character_and_paragraph_styles_becomes_direct(collected: Collected) -> None:
    document = etree.fromstring(part(collected.annex, "word/document.xml"))

    def formatting(text: str) -> set[str]:
        (run,) = [r for r in document.iterfind(".//w:r", NS) if "".join(r.itertext()) == text]
        properties = run.find("w:rPr", NS)
        return {etree.QName(c).localname for c in properties} if properties is not None else set()

    assert "i" in formatting("särskilt betona")
    assert {"b", "i", "u", "strike"} <= formatting("starkt understryka")
    assert "vertAlign" in formatting("upphöjt")
    assert "i" in formatting("Ett citat i nämndens citatstil.")
    assert "u" in formatting("avsnittet om bilagan")  # an internal link keeps its underline


def test_no_word_of_any_source_is_missing_from_the_annex(collected: Collected, placed) -> None:
    annex = words(collected.rendered["annex"])
    for item in placed:
        missing = words(collected.rendered[item.name]) - annex
        assert not missing, (item.name, missing)


def test_remiss_keeps_at_least_what_docxcompose_keeps(collected: Collected, placed) -> None:
    annex = collected.rendered["annex"]
    for item in placed:
        composed = collected.rendered[f"docxcompose-{item.name}"]
        if composed is None:  # LibreOffice cannot even open what docxcompose made (see below)
            continue
        assert not words(composed) - words(annex), item.name
        for text in item.source.labels:
            assert set(labels(composed, text)) <= set(labels(annex, text)), (item.name, text)


def dangling(data: bytes) -> list[str]:
    """References in the main document or notes to parts, notes, lists or styles that are not there."""
    found = []
    document = part(data, "word/document.xml")
    rels = etree.fromstring(part(data, "word/_rels/document.xml.rels"))
    ids = {rel.get("Id") for rel in rels}
    styles = etree.fromstring(part(data, "word/styles.xml"))
    style_ids = {s.get(f"{{{W}}}styleId") for s in styles.findall("w:style", NS)}
    numbering = part(data, "word/numbering.xml")
    num_ids = {"0"} | (
        {n.get(f"{{{W}}}numId") for n in etree.fromstring(numbering).findall("w:num", NS)}
        if numbering
        else set()
    )
    root = etree.fromstring(document)
    for element in root.iter():
        for name in ("id", "embed", "link"):
            value = element.get(f"{{{R_NS}}}{name}")
            if value is not None and value not in ids:
                found.append(f"r:{name}={value}")
    for kind in ("footnote", "endnote", "comment"):
        notes = part(data, f"word/{kind}s.xml")
        known = (
            {n.get(f"{{{W}}}id") for n in etree.fromstring(notes).findall(f"w:{kind}", NS)}
            if notes
            else set()
        )
        found += [
            f"{kind} {r.get(f'{{{W}}}id')}"
            for r in root.iterfind(f".//w:{kind}Reference", NS)
            if r.get(f"{{{W}}}id") not in known
        ]
    found += [
        f"numId {n.get(f'{{{W}}}val')}"
        for n in root.iterfind(".//w:numId", NS)
        if n.get(f"{{{W}}}val") not in num_ids
    ]
    for tag in ("pStyle", "rStyle"):
        found += [
            f"{tag} {s.get(f'{{{W}}}val')}"
            for s in root.iterfind(f".//w:{tag}", NS)
            if s.get(f"{{{W}}}val") not in style_ids
        ]
    return found


def test_the_annex_never_refers_to_what_it_does_not_have_docxcompose_does(
    collected: Collected, placed
) -> None:
    assert dangling(collected.annex) == []
    notes = by_name(placed, "fotnoter")
    from tests.fidelity.conftest import composed

    assert any(d.startswith("endnote") for d in dangling(composed([notes.data])))
    assert collected.rendered[f"docxcompose-{notes.name}"] is None  # and LibreOffice cannot open it
