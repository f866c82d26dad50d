"""Pictures and links carried in answer fragments become the annex's own parts and relationships."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile

import docx
from lxml import etree
from tests.annex.returned import png

from remiss.documents.annex.check import check_docx
from remiss.documents.annex.document import build_annex
from remiss.documents.annex.media import TEXT_WIDTH_EMU
from remiss.documents.model import (
    AnnexDocument,
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
)
from remiss.documents.ooxml import PKG_RELS, R, W
from remiss.documents.word.media import RM, WP

NS = {"w": W, "r": R, "wp": WP, "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
RED = png(40, 20, (200, 30, 30))
BLUE = png(30, 30, (30, 30, 200))


def image(data: bytes, alt: str, cx: int = 2_880_000, cy: int = 1_440_000) -> str:
    encoded = base64.b64encode(data).decode()
    return (
        f'<w:r><rm:image rm:type="png" rm:cx="{cx}" rm:cy="{cy}" rm:descr="{alt}">{encoded}</rm:image></w:r>'
    )


def link(href: str, text: str) -> str:
    return f'<w:hyperlink rm:href="{href}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'


def fragment(*paragraphs: str) -> str:
    body = "".join(f"<w:p>{p}</w:p>" for p in paragraphs)
    return f'<w:sdtContent xmlns:w="{W}" xmlns:rm="{RM}">{body}</w:sdtContent>'


def annex(*answers: str) -> bytes:
    entries = [
        AnnexEntry(
            f"Förvaltning {n}",
            False,
            reports=[AnnexReport("Rapport", [AnnexMeasure("1.1", "Åtgärd", [AnnexField("Kommentar", xml)])])],
        )
        for n, xml in enumerate(answers, start=1)
    ]
    return build_annex(
        AnnexDocument("Titel", "KS 2016/1", dt.date(2016, 4, 29), [AnnexGroup("Fackförvaltningar", entries)])
    )


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def relationships(data: bytes) -> dict[str, etree._Element]:
    rels = etree.fromstring(members(data)["word/_rels/document.xml.rels"])
    return {rel.get("Id"): rel for rel in rels.iter(f"{{{PKG_RELS}}}Relationship")}


def test_pictures_become_media_parts_with_alt_text_and_links_external_relationships() -> None:
    data = annex(
        fragment(
            "<w:r><w:t>Se bilden:</w:t></w:r>",
            image(RED, "Röd rektangel"),
            link("https://start.stockholm/", "Startsidan"),
        ),
        fragment(
            image(RED, "Samma bild igen"),
            image(BLUE, "Blå kvadrat"),
            link("https://start.stockholm/", "igen"),
        ),
    )
    parts = members(data)
    assert parts["word/media/image1.png"] == RED and parts["word/media/image2.png"] == BLUE
    assert not any(name.startswith("word/media/image3") for name in parts)  # the same bytes are stored once
    body = etree.fromstring(parts["word/document.xml"])
    rels = relationships(data)
    drawings = body.xpath("//w:drawing", namespaces=NS)
    assert len(drawings) == 3
    alts = [d.xpath("string(.//wp:docPr/@descr)", namespaces=NS) for d in drawings]
    assert alts == ["Röd rektangel", "Samma bild igen", "Blå kvadrat"]
    ids = [d.xpath("string(.//wp:docPr/@id)", namespaces=NS) for d in drawings]
    assert len(set(ids)) == 3  # Word refuses a document whose drawings share an id
    targets = [rels[d.xpath("string(.//a:blip/@r:embed)", namespaces=NS)].get("Target") for d in drawings]
    assert targets == ["media/image1.png", "media/image1.png", "media/image2.png"]
    links = body.xpath("//w:body/*[not(self::w:sdt)]//w:hyperlink", namespaces=NS)
    assert {rels[h.get(f"{{{R}}}id")].get("Target") for h in links} == {"https://start.stockholm/"}
    assert all(rels[h.get(f"{{{R}}}id")].get("TargetMode") == "External" for h in links)
    assert links[0].xpath("w:r/w:rPr/w:rStyle/@w:val", namespaces=NS) == ["Hyperlink"]
    assert RM not in parts["word/document.xml"].decode()  # nothing of the carrier format is left
    content_types = parts["[Content_Types].xml"].decode()
    assert 'Extension="png" ContentType="image/png"' in content_types
    document = docx.Document(io.BytesIO(data))  # python-docx resolves every picture's part
    assert len(document.inline_shapes) == 3


def test_a_picture_too_wide_for_the_page_is_scaled_down_keeping_its_proportions() -> None:
    data = annex(fragment(image(RED, "Bred bild", cx=TEXT_WIDTH_EMU * 2, cy=TEXT_WIDTH_EMU)))
    body = etree.fromstring(members(data)["word/document.xml"])
    extent = body.xpath("//wp:extent", namespaces=NS)[0]
    assert (int(extent.get("cx")), int(extent.get("cy"))) == (TEXT_WIDTH_EMU, TEXT_WIDTH_EMU // 2)


def test_unsafe_links_and_bytes_that_are_no_picture_are_not_carried_over() -> None:
    fake = base64.b64encode(b"MZ\x90\x00 not an image").decode()
    data = annex(
        fragment(
            link("javascript:alert(1)", "klicka"),
            link("file:///C:/hemligt.docx", "fil"),
            f'<w:r><rm:image rm:type="png" rm:cx="100" rm:cy="100" rm:descr="x">{fake}</rm:image></w:r>',
        )
    )
    body = etree.fromstring(members(data)["word/document.xml"])
    assert not body.xpath("//w:body/*[not(self::w:sdt)]//w:hyperlink | //w:drawing", namespaces=NS)
    assert not [rel for rel in relationships(data).values() if rel.get("TargetMode") == "External"]
    texts = ["".join(p.itertext()) for p in body.iter(f"{{{W}}}p")]
    start = texts.index("Kommentar: klicka")
    assert texts[start + 1 : start + 3] == ["fil", "[bild utelämnad] "]
    assert not any(name.startswith("word/media/") for name in members(data))


def test_an_answer_that_is_only_a_picture_is_kept() -> None:
    body = etree.fromstring(members(annex(fragment(image(BLUE, "Diagram"))))["word/document.xml"])
    assert body.xpath("//w:drawing", namespaces=NS)
    assert "Skrivning saknas." not in "".join(body.itertext())


def test_check_names_a_picture_without_alt_text_and_passes_one_with() -> None:
    assert check_docx(annex(fragment(image(BLUE, "Diagram"))), "b.docx") == []
    assert check_docx(annex(fragment(image(BLUE, ""))), "b.docx") == [
        "b.docx: bild utan alternativtext under ”Förvaltning 1 › Delrapport: Rapport › 1.1 Åtgärd: Åtgärd”."
    ]
