"""Text a nämnd types beside the answer fields in LibreOffice is read, not dropped.

LibreOffice shows the template's fields as small grey inline controls; people type under
the åtgärd's heading and leave the field holding its placeholder, or LibreOffice splits a
field into a plain paragraph plus a copy of the control. The files here are the real
template saved by LibreOffice, with the typing done after that save (and saved again).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from tests.helpers import SOFFICE, libreoffice_resave, rewrite_member

from remiss.documents.ooxml import W, w
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import build_response_docx

pytestmark = [pytest.mark.slow, pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice")]
ORG = "kultur"


def typed(paragraph_text: str) -> etree._Element:
    p = etree.Element(w("p"), nsmap={"w": W})
    etree.SubElement(etree.SubElement(p, w("r")), w("t")).text = paragraph_text
    return p


def edit(data: bytes, change) -> bytes:
    def changed(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        change(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite_member(data, "word/document.xml", changed)


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(w("t")))


@pytest.fixture
def saved_template(definition, catalog, identity_for, tmp_path: Path):
    assignments = definition.assignments_for(ORG, catalog)
    template = build_response_docx(definition, catalog.by_id[ORG], assignments, identity_for(ORG))
    return assignments, libreoffice_resave(template, tmp_path, "docx", stem="mall")


def answers(data: bytes, definition, assignments):
    extracted = read_response_docx(data, "kultur.docx", definition, assignments)
    return {(a.measure_key, a.field_id): a for a in extracted.answers}, extracted.warnings


def test_text_typed_under_the_heading_is_the_first_fields_answer(
    definition, saved_template, tmp_path
) -> None:
    assignments, saved = saved_template
    first = assignments[0]

    def type_under_heading(root: etree._Element) -> None:
        heading = next(
            p for p in root.iter(w("p")) if text_of(p).startswith(f"{first.measure.number} Åtgärd")
        )
        heading.addnext(typed("Nämnden skrev sitt svar direkt under rubriken."))

    returned = libreoffice_resave(edit(saved, type_under_heading), tmp_path, "docx", stem="svar")
    found, warnings = answers(returned, definition, assignments)
    field = definition.fields.word[0]
    assert found[(first.key, field.id)].text == "Nämnden skrev sitt svar direkt under rubriken."
    assert not found[(first.key, field.id)].empty
    assert sum(not a.empty for a in found.values()) == 1
    (warning,) = [m for m in warnings if "utanför svarsfälten" in m]
    assert f"'{first.measure.number} {field.label}'" in warning


def test_both_parts_of_a_field_libreoffice_split_are_kept(definition, saved_template, tmp_path) -> None:
    assignments, saved = saved_template
    second = assignments[1]
    field = definition.fields.word[-1]

    def split_field(root: etree._Element) -> None:
        heading = next(
            p for p in root.iter(w("p")) if text_of(p).startswith(f"{second.measure.number} Åtgärd")
        )
        following = list(heading.itersiblings())
        label = next(p for p in following if text_of(p).strip().rstrip(":") == field.label)
        control = label.getnext()  # the paragraph LibreOffice put the inline control in
        assert control.find(f".//{w('sdt')}") is not None
        label.addnext(typed("Första stycket hamnade utanför fältet."))
        for t in control.iter(w("t")):
            t.text = ""
        next(control.iter(w("t"))).text = "Andra stycket står i fältet."

    # Not saved by LibreOffice again: a second save (7.4) drops the controls' aliases too, and
    # the answers are then read under their labels (the typing test above covers that case).
    found, warnings = answers(edit(saved, split_field), definition, assignments)
    assert found[(second.key, field.id)].text == (
        "Första stycket hamnade utanför fältet.\nAndra stycket står i fältet."
    )
    assert found[(second.key, field.id)].found_by == "alias"
    assert any(
        "utanför svarsfälten" in m and f"'{second.measure.number} {field.label}'" in m for m in warnings
    )
