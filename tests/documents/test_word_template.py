"""The Word response template: what each nämnd receives, read back from the zip itself."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
import pytest
from lxml import etree

from remiss.documents.ooxml import W, w
from remiss.documents.properties import read_custom_properties
from remiss.documents.word.template import build_response_docx, no_measures_text
from remiss.documents.word.wordml import field_alias, field_tag, repeated_numbers
from remiss.domain.round import Assignment, Role
from remiss.identity import parse_reference
from remiss.swedish import long_date as swedish_date

NS = {"w": W}


def build(definition, catalog, identity_for, org_id: str) -> bytes:
    org = catalog.by_id[org_id]
    return build_response_docx(
        definition, org, definition.assignments_for(org_id, catalog), identity_for(org_id)
    )


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def controls(data: bytes) -> dict[str, etree._Element]:
    root = part(data, "word/document.xml")
    return {sdt.find("w:sdtPr/w:tag", NS).get(w("val")): sdt for sdt in root.iter(w("sdt"))}


def paragraph_texts(data: bytes) -> list[str]:
    root = part(data, "word/document.xml")
    return ["".join(p.itertext()) for p in root.iter(w("p"))]


def orgs_by_load(definition, catalog) -> tuple[str, str, str]:
    """The org with most åtgärder, one with a few, one with none (the round file may grow)."""
    counts = {o.id: len(definition.assignments_for(o.id, catalog)) for o in catalog.organisations}
    ranked = sorted((n, org_id) for org_id, n in counts.items() if n)
    none = next(org_id for org_id, n in counts.items() if n == 0)
    return ranked[-1][1], ranked[0][1], none


def test_template_has_a_control_per_own_field_and_nothing_else(definition, catalog, identity_for):
    for org_id in orgs_by_load(definition, catalog)[:2]:
        assignments = definition.assignments_for(org_id, catalog)
        found = controls(build(definition, catalog, identity_for, org_id))
        general = definition.fields.general
        expected = {field_tag("general", general.id)} | {
            field_tag(a.key, f.id) for a in assignments for f in definition.fields.word
        }
        assert set(found) == expected
        repeated = repeated_numbers(definition)
        aliases = {sdt.find("w:sdtPr/w:alias", NS).get(w("val")) for sdt in found.values()}
        assert {
            field_alias(a.report, a.measure, f, repeated) for a in assignments for f in definition.fields.word
        } < aliases


def test_only_the_organisations_own_measures_and_reports_appear(definition, catalog, identity_for):
    _, few, _ = orgs_by_load(definition, catalog)
    own = definition.assignments_for(few, catalog)
    texts = paragraph_texts(build(definition, catalog, identity_for, few))
    headings = [t for t in texts if " Åtgärd: " in t]
    assert headings == [f"{a.measure.number} Åtgärd: {a.measure.title}" for a in own]
    reports = [t for t in texts if t.startswith("Delrapport: ")]
    assert reports == list(dict.fromkeys(f"Delrapport: {a.report.title}" for a in own))


def test_controls_are_block_level_rich_text_showing_a_grey_placeholder(definition, catalog, identity_for):
    _, few, _ = orgs_by_load(definition, catalog)
    data = build(definition, catalog, identity_for, few)
    placeholders = {f.placeholder for f in [definition.fields.general, *definition.fields.word]}
    for sdt in controls(data).values():
        assert sdt.getparent().tag == w("body")
        assert sdt.find("w:sdtPr/w:text", NS) is None
        assert sdt.find("w:sdtPr/w:showingPlcHdr", NS) is not None
        run = sdt.find("w:sdtContent/w:p/w:r", NS)
        assert run.find("w:rPr/w:rStyle", NS).get(w("val")) == "PlaceholderText"
        assert "".join(run.itertext()) in placeholders
    ids = [sdt.find("w:sdtPr/w:id", NS).get(w("val")) for sdt in controls(data).values()]
    assert len(set(ids)) == len(ids)


def test_file_is_identified_by_custom_properties_and_footer_reference(definition, catalog, identity_for):
    org_id = orgs_by_load(definition, catalog)[1]
    data = build(definition, catalog, identity_for, org_id)
    identity = identity_for(org_id)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert read_custom_properties(package) == identity.as_properties()
        footer_name = next(n for n in package.namelist() if n.startswith("word/footer"))
        content_types = package.read("[Content_Types].xml").decode()
    assert "/docProps/custom.xml" in content_types
    footer = part(data, footer_name)
    footer_text = "".join(footer.itertext())
    assert identity.reference in footer_text
    assert parse_reference(footer_text) == (identity.round_id, identity.organisation_id, identity.token[:8])
    assert "Sida 1 (1)" in footer_text
    instructions = [f.get(w("instr")).strip() for f in footer.iter(w("fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_python_docx_opens_it_with_real_heading_styles_and_swedish_language(
    definition, catalog, identity_for
):
    most, _, _ = orgs_by_load(definition, catalog)
    document = docx.Document(io.BytesIO(build(definition, catalog, identity_for, most)))
    styles = {p.style.name for p in document.paragraphs if p.text.startswith("Delrapport: ")}
    assert styles == {"Heading 1"}
    styles = {p.style.name for p in document.paragraphs if " Åtgärd: " in p.text}
    assert styles == {"Heading 2"}
    assert document.core_properties.title == definition.title
    assert document.core_properties.language == "sv-SE"
    lang = document.styles.element.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(w("val")) == "sv-SE"
    assert document.styles["Placeholder Text"].font.color.rgb == docx.shared.RGBColor(0x80, 0x80, 0x80)
    assert round(document.sections[0].page_width.mm) == 210


def test_heading_block_names_round_recipient_deadline_and_sender(definition, catalog, identity_for):
    _, few, _ = orgs_by_load(definition, catalog)
    org = catalog.by_id[few]
    texts = paragraph_texts(build(definition, catalog, identity_for, few))
    assert texts[0] == definition.title
    for line in (
        f"Diarienummer: {definition.diarienummer}",
        f"Nämnd: {org.namnd}",
        f"Förvaltning: {org.forvaltning}",
        f"Sista svarsdag: {swedish_date(definition.deadline)}",
        f"Avsändare: {definition.sender}",
    ):
        assert line in texts
    assert definition.fields.general.label in texts
    assert no_measures_text(definition.vocabulary) not in texts


def test_organisation_without_measures_gets_only_the_general_comment(definition, catalog, identity_for):
    none = orgs_by_load(definition, catalog)[2]
    data = build(definition, catalog, identity_for, none)
    assert set(controls(data)) == {field_tag("general", definition.fields.general.id)}
    texts = paragraph_texts(data)
    assert no_measures_text(definition.vocabulary) in texts
    assert not [t for t in texts if t.startswith("Delrapport: ")]


def test_responsibility_line_falls_back_to_the_role(definition, catalog, identity_for):
    most, _, _ = orgs_by_load(definition, catalog)
    org = catalog.by_id[most]
    first = definition.assignments_for(most, catalog)[0]
    measure = first.measure.model_copy(update={"responsibility": None})
    plain = Assignment(first.report, measure, Role.DELANSVAR)
    texts = paragraph_texts(build_response_docx(definition, org, [plain], identity_for(most)))
    assert "Nämndens roll: delansvar" in texts
    if first.measure.responsibility:
        assert first.measure.responsibility in paragraph_texts(build(definition, catalog, identity_for, most))


def test_repeated_numbers_get_report_in_alias(definition):
    repeated = repeated_numbers(definition)
    field = definition.fields.word[0]
    for report in definition.reports:
        for measure in report.measures:
            alias = field_alias(report, measure, field, repeated)
            assert alias.endswith(f"({report.id})") == (measure.number in repeated)


def test_swedish_date():
    assert swedish_date(dt.date(2016, 4, 29)) == "29 april 2016"
    assert swedish_date(dt.date(2017, 12, 1)) == "1 december 2017"


def test_same_inputs_give_the_same_bytes(definition, catalog, identity_for):
    _, few, _ = orgs_by_load(definition, catalog)
    assert build(definition, catalog, identity_for, few) == build(definition, catalog, identity_for, few)


def test_joined_from_the_rounds_parts_it_is_what_building_the_tree_gives(definition, catalog, identity_for):
    """Templates are joined from XML made once per round (speed: see benchmarks/); same bytes."""
    from remiss.documents.word.base import base_package
    from remiss.documents.word.template import _Writer

    base = base_package(definition.title, definition.sender)
    for org in catalog.organisations:
        own = definition.assignments_for(org.id, catalog)
        root = etree.fromstring(base.document_xml)
        section = root.find(f"{w('body')}/{w('sectPr')}")
        for block in _Writer(definition).blocks(org, own):
            section.addprevious(block)
        expected = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        with zipfile.ZipFile(io.BytesIO(build(definition, catalog, identity_for, org.id))) as package:
            assert package.read("word/document.xml") == expected, org.id


@pytest.mark.parametrize("index", [0, 1])
def test_each_template_is_a_valid_zip(definition, catalog, identity_for, index):
    org_id = orgs_by_load(definition, catalog)[index]
    with zipfile.ZipFile(io.BytesIO(build(definition, catalog, identity_for, org_id))) as package:
        assert package.testzip() is None
        assert package.namelist()[0] == "[Content_Types].xml"
        assert "docProps/thumbnail.jpeg" not in package.namelist()
