"""Links and pictures inside an answer's footnotes and endnotes reach the annex.

A note's link and picture point through the notes part's own relationships
(word/_rels/footnotes.xml.rels), not the document's. They are carried as the body's are
(rm:href, rm:image) and the annex gives each notes part relationships of its own. The
document is pasted into a real template as Word pastes (its notes' relationships and
media come along), also in the copy LibreOffice saves, read, compiled, and the annex
opened again, and rendered by LibreOffice: the footnote's text, its picture and both links
are in the PDF.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import random
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from lxml import etree
from tests.fidelity import corpus
from tests.fidelity.conftest import render
from tests.fidelity.test_carried import compiled
from tests.helpers import SOFFICE, libreoffice_resave

from remiss.documents.ooxml import PKG_RELS, R, W
from remiss.documents.word.media import MAX_ANSWER_IMAGE_BYTES, MAX_IMAGE_BYTES, RM, RM_HREF, RM_IMAGE
from remiss.documents.word.notes import RM_KIND, RM_NOTE

NS = {"w": W, "r": R, "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def relationships(package: zipfile.ZipFile, part: str) -> dict[str, etree._Element]:
    folder, _, name = part.rpartition("/")
    rels = etree.fromstring(package.read(f"{folder}/_rels/{name}.rels"))
    return {rel.get("Id"): rel for rel in rels.iter(f"{{{PKG_RELS}}}Relationship")}


def carried_notes(xml: str) -> dict[str, etree._Element]:
    return {note.get(RM_KIND): note for note in etree.fromstring(xml).iter(RM_NOTE)}


def check_carried(found, warnings) -> None:
    assert not warnings, warnings
    notes = carried_notes(found.xml)
    footnote, endnote = notes["footnote"], notes["endnote"]
    (link,) = [e for e in footnote.iter() if e.get(RM_HREF)]
    assert link.get(RM_HREF) == corpus.NOTE_LINK
    assert "".join(link.itertext()) == "stadens statistik"
    (image,) = footnote.iter(RM_IMAGE)
    assert base64.b64decode(image.text) == corpus.NOTE_PICTURE
    assert image.get(f"{{{RM}}}descr") == "Utlån av e-böcker per månad"
    (mail,) = [e.get(RM_HREF) for e in endnote.iter() if e.get(RM_HREF)]
    assert mail == corpus.ENDNOTE_LINK
    assert "[Bild: Utlån av e-böcker per månad]" in found.text


def check_compiled(xml: str) -> None:
    package = compiled(xml)
    for kind in ("footnote", "endnote"):
        part = f"word/{kind}s.xml"
        notes = etree.fromstring(package.read(part))
        rels = relationships(package, part)
        used = [(name, e.get(f"{{{R}}}{name}")) for e in notes.iter() for name in ("id", "embed", "link")]
        used = [(name, rel_id) for name, rel_id in used if rel_id is not None]
        assert used, kind
        for _name, rel_id in used:
            assert rel_id in rels, (kind, rel_id)  # no reference to what the part's .rels lacks
    footnotes = etree.fromstring(package.read("word/footnotes.xml"))
    rels = relationships(package, "word/footnotes.xml")
    (link,) = footnotes.iterfind(".//w:hyperlink", NS)
    target = rels[link.get(f"{{{R}}}id")]
    assert (target.get("Target"), target.get("TargetMode")) == (corpus.NOTE_LINK, "External")
    assert link.xpath("string(.)") == "stadens statistik"
    assert link.find("w:r/w:rPr/w:rStyle", NS).get(f"{{{W}}}val") == "Hyperlink"
    (blip,) = footnotes.iterfind(".//a:blip", NS)
    image = rels[blip.get(f"{{{R}}}embed")]
    assert package.read(f"word/{image.get('Target')}") == corpus.NOTE_PICTURE
    (drawing,) = footnotes.iterfind(".//w:drawing", NS)
    assert drawing.find(".//{*}docPr").get("descr") == "Utlån av e-böcker per månad"
    endnotes = etree.fromstring(package.read("word/endnotes.xml"))
    (mail,) = endnotes.iterfind(".//w:hyperlink", NS)
    mail_target = relationships(package, "word/endnotes.xml")[mail.get(f"{{{R}}}id")]
    assert mail_target.get("Target") == corpus.ENDNOTE_LINK
    # the main document's relationships are its own: nothing of the notes' is there
    assert corpus.NOTE_LINK not in package.read("word/_rels/document.xml.rels").decode()
    content_types = package.read("[Content_Types].xml").decode()
    assert 'Extension="png"' in content_types
    docx.Document(io.BytesIO(_bytes(package)))  # python-docx opens it: every relationship resolves


def _bytes(package: zipfile.ZipFile) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for info in package.infolist():
            copy.writestr(info, package.read(info))
    return out.getvalue()


def test_a_notes_link_and_picture_are_carried_and_related_from_the_notes_part(answer) -> None:
    found, warnings = answer(corpus.NOTE_MEDIA)
    check_carried(found, warnings)
    check_compiled(found.xml)


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice")
def test_the_same_in_the_copy_libreoffice_saves(answer, tmp_path: Path) -> None:
    made = libreoffice_resave(corpus.NOTE_MEDIA.docx(), tmp_path, "docx", stem="fotnoter-med-lankar")
    with zipfile.ZipFile(io.BytesIO(made)) as package:  # LibreOffice writes the notes' own .rels
        assert corpus.NOTE_LINK in package.read("word/_rels/footnotes.xml.rels").decode()
    found, warnings = answer(made)
    check_carried(found, warnings)
    check_compiled(found.xml)


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdfimages") is None, reason="needs LibreOffice and poppler"
)
def test_the_notes_link_and_picture_are_on_the_rendered_page(answer, tmp_path: Path) -> None:
    found, _warnings = answer(corpus.NOTE_MEDIA)
    annex = _bytes(compiled(found.xml))
    text = render({"bilaga": annex}, tmp_path)["bilaga"]
    assert text is not None
    flat = " ".join(text.split())
    assert "Se stadens statistik och diagrammet" in flat
    assert "Frågor om siffrorna besvaras av kulturförvaltningens kansli." in flat
    pdf = tmp_path / "bilaga.pdf"
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True)
    (picture,) = listed.stdout.splitlines()[2:]
    assert picture.split()[3:5] == ["48", "24"]  # the footnote's own picture, and nothing else
    raw = pdf.read_bytes()
    for address in (corpus.NOTE_LINK, corpus.ENDNOTE_LINK):
        assert f"/URI({address})".encode() in raw  # a live link, not text


def test_a_notes_pictures_count_against_the_answers_limit(answer) -> None:
    """15 MB of pictures per answer, its notes' included: a file cannot multiply one picture
    by referring to it from note after note."""
    # an ancillary chunk of bytes that do not compress (a zip bomb they are not): almost 5 MB
    filler = random.Random(14).randbytes(MAX_IMAGE_BYTES - 4096)
    checksum = zlib.crc32(b"zzZz" + filler)
    chunk = struct.pack(">I", len(filler)) + b"zzZz" + filler + struct.pack(">I", checksum)
    large = corpus.NOTE_PICTURE[:-12] + chunk + corpus.NOTE_PICTURE[-12:]
    assert 3 * len(large) <= MAX_ANSWER_IMAGE_BYTES < 4 * len(large)
    three = "".join(corpus.picture("rIdFotBild", 100 + n, f"Bild {n} i brödtexten") for n in range(3))
    source = dataclasses.replace(
        corpus.NOTE_MEDIA,
        body=corpus.p("Tre bilder i texten", runs=three) + corpus.NOTE_MEDIA.body,
        relationships=[("rIdFotBild", f"{corpus._RT}/image", "media/diagram.png", False)],
        media={"media/diagram.png": large},
    )
    found, warnings = answer(source)
    assert len(list(etree.fromstring(found.xml).iter(RM_IMAGE))) == 3  # the body's three
    assert not list(carried_notes(found.xml)["footnote"].iter(RM_IMAGE))  # over the limit: a line
    assert "[Bild: Utlån av e-böcker per månad – ingår inte i sammanställningen]" in found.text
    assert any("bilder utöver 15 MB per svar" in m for m in warnings)
