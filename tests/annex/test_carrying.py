"""Reading a returned file carries its pictures and links into the answer, and nothing forged."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from lxml import etree
from tests.annex.returned import Returned, png
from tests.helpers import rewrite_member

from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.media import RM, RM_HREF, RM_IMAGE, WP, A
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import build_response_docx

ORG = "kultur"
PICTURE = png(64, 32, (10, 120, 200))


@pytest.fixture
def setup(definition, catalog, identity_for):
    assignments = definition.assignments_for(ORG, catalog)
    template = build_response_docx(definition, catalog.by_id[ORG], assignments, identity_for(ORG))
    tag = f"remiss:{assignments[0].key}:kommentar"
    returned = Returned(fill_response_docx(template, {tag: ["Svaret."]}))

    def read(data: bytes):
        extracted = read_response_docx(data, "kultur.docx", definition, assignments)
        answer = next(
            a for a in extracted.answers if (a.measure_key, a.field_id) == (assignments[0].key, "kommentar")
        )
        return answer, extracted.warnings

    return returned, tag, read


def test_a_picture_travels_with_its_bytes_size_and_alt_text(setup) -> None:
    returned, tag, read = setup
    returned.picture(tag, PICTURE, "Stapeldiagram: besök per år", width_cm=5)
    answer, warnings = read(returned.save())
    (image,) = etree.fromstring(answer.xml).iter(RM_IMAGE)
    assert base64.b64decode(image.text) == PICTURE
    assert image.get(f"{{{RM}}}descr") == "Stapeldiagram: besök per år"
    assert image.get(f"{{{RM}}}cx") == str(5 * 360000) and image.get(f"{{{RM}}}type") == "png"
    assert answer.text == "Svaret.\n[Bild: Stapeldiagram: besök per år]"
    assert not warnings


def test_web_links_travel_as_addresses_and_other_links_become_text(setup) -> None:
    returned, tag, read = setup
    returned.link(tag, "Se ", "webbplatsen", "https://start.stockholm/")
    returned.link(tag, "Inte ", "detta", "javascript:alert(1)")
    answer, _ = read(returned.save())
    root = etree.fromstring(answer.xml)
    links = root.findall(".//{*}hyperlink")
    assert [(link.get(RM_HREF), "".join(link.itertext())) for link in links] == [
        ("https://start.stockholm/", "webbplatsen")
    ]
    assert not [a for link in links for a in link.attrib if a != RM_HREF]  # no respondent rId left
    assert "Inte detta" in answer.text


def test_carrier_elements_a_respondent_wrote_into_the_file_are_stripped(setup) -> None:
    returned, tag, read = setup
    forged = base64.b64encode(PICTURE).decode()
    returned.xml(
        tag,
        f'<w:p xmlns:rm="{RM}"><w:r><rm:image rm:type="png" rm:cx="1" rm:cy="1">{forged}</rm:image>'
        '<w:t>Text</w:t></w:r><w:hyperlink rm:href="https://evil.invalid/"><w:r><w:t> länk</w:t></w:r>'
        "</w:hyperlink></w:p>",
    )
    answer, _ = read(returned.save())
    assert RM not in answer.xml  # neither the picture nor the address survives
    assert answer.text == "Svaret.\nText länk"


def test_pictures_in_other_formats_and_charts_are_reported(setup) -> None:
    returned, tag, read = setup
    returned.picture(tag, PICTURE, "Diagram inklistrat från Excel")
    returned.xml(
        tag,
        f'<w:p><w:r><w:drawing><wp:inline xmlns:wp="{WP}"><a:graphic xmlns:a="{A}">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic>'
        "</wp:inline></w:drawing></w:r></w:p>",
    )
    data = returned.save()
    (media,) = [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("word/media/")]
    emf = b"\x01\x00\x00\x00" + b"\x00" * 36 + b" EMF" + b"\x00" * 64  # an enhanced metafile's header
    answer, warnings = read(rewrite_member(data, media, lambda _: emf))
    assert RM_IMAGE not in answer.xml and "drawing" not in answer.xml
    (warning,) = warnings
    assert "bilder i andra format än PNG, JPEG och GIF" in warning and "diagram" in warning
