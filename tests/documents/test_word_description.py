"""An åtgärd's description deleted and one paragraph typed in its place is an answer.

An official selects the template's description under the åtgärd's heading and types over
it: the section then holds as many loose paragraphs as the template wrote (description,
role line, one label per field), but one of them is the nämnd's text. It is read as the
first field's answer; the template's own texts (description, role line, placeholder, the
instructions) never are. The files are the issued template edited with lxml as Word
would, and the same template saved, edited and saved again by LibreOffice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from tests.documents.test_word_beside import edit, text_of
from tests.helpers import SOFFICE, libreoffice_resave

from remiss.documents.ooxml import w
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import DEFAULT_INSTRUCTIONS, build_response_docx

ORG = "kultur"
TYPED = "Nämnden har ersatt beskrivningen med sitt eget svar."


def replace_text(paragraph: etree._Element, text: str) -> None:
    """Typing over a selected paragraph: its first run keeps the new text, the others go."""
    runs = list(paragraph.iter(w("r")))
    for run in runs[1:]:
        run.getparent().remove(run)
    (t,) = runs[0].findall(w("t"))
    t.text = text


def description_paragraph(root: etree._Element, description: str) -> etree._Element:
    (found,) = [p for p in root.iter(w("p")) if " ".join(text_of(p).split()) == " ".join(description.split())]
    return found


@pytest.fixture
def template(definition, catalog, identity_for):
    assignments = definition.assignments_for(ORG, catalog)
    assert assignments[0].measure.description  # the bundled round describes its åtgärder
    return assignments, build_response_docx(definition, catalog.by_id[ORG], assignments, identity_for(ORG))


def answers(data: bytes, definition, assignments):
    extracted = read_response_docx(data, "kultur.docx", definition, assignments)
    return {(a.measure_key, a.field_id): a for a in extracted.answers}, extracted.warnings


def test_one_paragraph_typed_over_the_description_is_the_first_fields_answer(definition, template) -> None:
    assignments, data = template
    first = assignments[0]

    def type_over(root: etree._Element) -> None:
        replace_text(description_paragraph(root, first.measure.description), TYPED)

    found, warnings = answers(edit(data, type_over), definition, assignments)
    field = definition.fields.word[0]
    assert found[(first.key, field.id)].text == TYPED
    assert found[(first.key, field.id)].found_by == "tag"  # the controls are still there
    assert sum(not a.empty for a in found.values()) == 1
    (warning,) = [m for m in warnings if "utanför svarsfälten" in m]
    assert f"'{first.measure.number} {field.label}'" in warning


def test_the_typed_paragraph_comes_before_what_was_written_in_the_field(definition, template) -> None:
    assignments, data = template
    first = assignments[0]
    field = definition.fields.word[0]

    def type_over_and_fill(root: etree._Element) -> None:
        replace_text(description_paragraph(root, first.measure.description), TYPED)
        control = next(
            sdt
            for sdt in root.iter(w("sdt"))
            if sdt.find(f"{w('sdtPr')}/{w('tag')}").get(w("val")) == f"remiss:{first.key}:{field.id}"
        )
        showing = control.find(f"{w('sdtPr')}/{w('showingPlcHdr')}")
        if showing is not None:
            showing.getparent().remove(showing)
        replace_text(control.find(f"{w('sdtContent')}/{w('p')}"), "Och i fältet.")

    found, _warnings = answers(edit(data, type_over_and_fill), definition, assignments)
    assert found[(first.key, field.id)].text == f"{TYPED}\nOch i fältet."


def test_the_templates_own_texts_are_never_an_answer(definition, template) -> None:
    """Description, role line and placeholder left as they are, retyped with other spacing,
    or moved around the section: none of it is an answer, and nothing is reported."""
    assignments, data = template
    first, second = assignments[0], assignments[1]
    instructions = DEFAULT_INSTRUCTIONS.format(item=definition.vocabulary.item.one)

    def shuffle(root: etree._Element) -> None:
        description = description_paragraph(root, first.measure.description)
        replace_text(description, "  " + first.measure.description.replace(" ", "  ") + " ")
        # the second åtgärd's description moved below its first label, as a careless drag would
        moved = description_paragraph(root, second.measure.description)
        label = next(
            p
            for p in moved.itersiblings()
            if text_of(p).strip().rstrip(":") == definition.fields.word[0].label
        )
        label.addnext(moved)

    found, warnings = answers(edit(data, shuffle), definition, assignments)
    assert all(a.empty for a in found.values()), [a.text for a in found.values() if not a.empty]
    assert not [m for m in warnings if "utanför svarsfälten" in m]
    assert all(instructions not in a.text for a in found.values())


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice")
def test_typed_over_in_libreoffice_the_description_is_read_as_the_answer(
    definition, template, tmp_path: Path
) -> None:
    assignments, data = template
    first = assignments[0]
    saved = libreoffice_resave(data, tmp_path, "docx", stem="mall")

    def type_over(root: etree._Element) -> None:
        replace_text(description_paragraph(root, first.measure.description), TYPED)

    returned = libreoffice_resave(edit(saved, type_over), tmp_path, "docx", stem="svar")
    found, warnings = answers(returned, definition, assignments)
    field = definition.fields.word[0]
    assert found[(first.key, field.id)].text == TYPED
    assert sum(not a.empty for a in found.values()) == 1
    assert any("utanför svarsfälten" in m for m in warnings)
