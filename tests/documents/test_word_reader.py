"""Reading returned Word responses: filled in Word-style, edited with history, or mangled."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest
from lxml import etree

from remiss.documents.model import GENERAL
from remiss.documents.ooxml import W, w
from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.reader import read_response_docx
from remiss.documents.word.template import build_response_docx
from remiss.documents.word.wordml import field_tag

NS = {"w": W}
ORG = "kultur"  # a fackförvaltning with a handful of åtgärder


@pytest.fixture
def assignments(definition, catalog):
    found = definition.assignments_for(ORG, catalog)
    assert len(found) >= 2, "the bundled round should give kultur at least two åtgärder"
    return found


@pytest.fixture
def template(definition, catalog, assignments, identity_for) -> bytes:
    return build_response_docx(definition, catalog.by_id[ORG], assignments, identity_for(ORG))


@pytest.fixture
def tags(definition, assignments) -> dict[str, str]:
    """Short names for the tags the tests type into."""
    first, second = assignments[0], assignments[1]
    word = definition.fields.word
    return {
        "general": field_tag(GENERAL, definition.fields.general.id),
        "first": field_tag(first.key, word[-1].id),
        "first_other": field_tag(first.key, word[0].id),
        "second": field_tag(second.key, word[-1].id),
    }


def read(data: bytes, definition, assignments, name: str = "svar.docx"):
    return read_response_docx(data, name, definition, assignments)


def answer(extracted, key: str, field_id: str):
    return next(a for a in extracted.answers if (a.measure_key, a.field_id) == (key, field_id))


def edit_body(data: bytes, edit: Callable[[etree._Element], None]) -> bytes:
    """Rewrite word/document.xml, as another editor would have saved it."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                root = etree.fromstring(content)
                edit(root)
                content = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info.filename, content)
    return out.getvalue()


def control(root: etree._Element, tag: str) -> etree._Element:
    return root.xpath(f"//w:sdt[w:sdtPr/w:tag/@w:val='{tag}']", namespaces=NS)[0]


def w_el(xml: str) -> etree._Element:
    """An element from a snippet written with the w: prefix."""
    return etree.fromstring(f'<root xmlns:w="{W}">{xml}</root>')[0]


def test_every_expected_field_is_answered_once(template, definition, assignments):
    extracted = read(template, definition, assignments)
    keys = [(a.measure_key, a.field_id) for a in extracted.answers]
    expected = [(GENERAL, definition.fields.general.id)] + [
        (a.key, f.id) for a in assignments for f in definition.fields.word
    ]
    assert keys == expected
    assert all(a.empty and a.xml == "" and a.found_by == "tag" for a in extracted.answers)
    assert extracted.warnings == []


def test_filled_answers_keep_paragraphs_formatting_and_lists(template, definition, assignments, tags):
    filled = fill_response_docx(
        template,
        {
            tags["general"]: ["Nämnden ser **positivt** på förslagen."],
            tags["first"]: [
                "Första *stycket*.",
                "- en punkt",
                "- en __andra__ punkt",
                "1. numrerad",
                "Slut.",
            ],
        },
    )
    extracted = read(filled, definition, assignments)
    general = answer(extracted, GENERAL, definition.fields.general.id)
    assert general.text == "Nämnden ser positivt på förslagen."
    assert "<w:b/>" in general.xml and not general.empty
    first = answer(extracted, assignments[0].key, definition.fields.word[-1].id)
    assert first.text == "Första stycket.\nen punkt\nen andra punkt\nnumrerad\nSlut."
    fragment = etree.fromstring(first.xml)
    assert fragment.tag == w("sdtContent") and len(fragment) == 5
    styles = [p.find("w:pPr/w:pStyle", NS) for p in fragment]
    assert [s.get(w("val")) if s is not None else None for s in styles] == [
        None,
        "ListBullet",
        "ListBullet",
        "ListNumber",
        None,
    ]
    assert fragment.find(".//w:i", NS) is not None and fragment.find(".//w:u", NS) is not None
    assert answer(extracted, assignments[0].key, definition.fields.word[0].id).empty


def test_placeholder_text_left_in_place_counts_as_empty(template, definition, assignments, tags):
    placeholder = definition.fields.word[-1].placeholder
    # Typed over (flag cleared) but identical to the placeholder, with extra spacing.
    filled = fill_response_docx(template, {tags["first"]: [f"  {placeholder.replace(' ', '  ')} "]})
    item = answer(read(filled, definition, assignments), assignments[0].key, definition.fields.word[-1].id)
    assert item.empty and item.text == "" and item.xml == ""


def test_blank_answer_counts_as_empty(template, definition, assignments, tags):
    filled = fill_response_docx(template, {tags["first"]: ["", "   "]})
    assert answer(
        read(filled, definition, assignments), assignments[0].key, definition.fields.word[-1].id
    ).empty


def test_tracked_changes_are_accepted(template, definition, assignments, tags):
    filled = fill_response_docx(template, {tags["first"]: ["Behåll detta.", "Sammanfogas"]})

    def track(root: etree._Element) -> None:
        sdt_content = control(root, tags["first"]).find("w:sdtContent", NS)
        p1, p2 = sdt_content.findall("w:p", NS)
        p1.append(w_el('<w:del w:id="1" w:author="A"><w:r><w:delText>STRUKEN</w:delText></w:r></w:del>'))
        p1.append(
            w_el('<w:ins w:id="2" w:author="A"><w:r><w:t xml:space="preserve"> Tillagd</w:t></w:r></w:ins>')
        )
        p1.append(w_el('<w:moveFrom w:id="3" w:author="A"><w:r><w:t>FLYTTAD-BORT</w:t></w:r></w:moveFrom>'))
        p1.append(
            w_el(
                '<w:moveTo w:id="4" w:author="A">'
                '<w:r><w:t xml:space="preserve"> flyttad</w:t></w:r></w:moveTo>'
            )
        )
        run_pr = p1.find("w:r", NS).find("w:rPr", NS)
        if run_pr is None:
            run_pr = etree.SubElement(p1.find("w:r", NS), w("rPr"))
            p1.find("w:r", NS).insert(0, run_pr)
        run_pr.append(w_el('<w:rPrChange w:id="5" w:author="A"><w:rPr><w:i/></w:rPr></w:rPrChange>'))
        # The mark between the two paragraphs was deleted: they become one.
        p_pr = p1.find("w:pPr", NS)
        if p_pr is None:
            p_pr = etree.Element(w("pPr"))
            p1.insert(0, p_pr)
        p_pr.append(w_el('<w:rPr><w:del w:id="6" w:author="A"/></w:rPr>'))
        p2.append(w_el('<w:r><w:t xml:space="preserve"> stycke.</w:t></w:r>'))

    extracted = read(edit_body(filled, track), definition, assignments)
    item = answer(extracted, assignments[0].key, definition.fields.word[-1].id)
    assert item.text == "Behåll detta. Tillagd flyttadSammanfogas stycke."
    for gone in ("STRUKEN", "FLYTTAD-BORT", "w:del", "w:ins", "rPrChange", "moveTo", "moveFrom"):
        assert gone not in item.xml


def test_comments_proofing_marks_rsids_and_nested_controls_are_removed(
    template, definition, assignments, tags
):
    filled = fill_response_docx(template, {tags["first"]: ["Text med kommentar."]})

    def annotate(root: etree._Element) -> None:
        p = control(root, tags["first"]).find("w:sdtContent/w:p", NS)
        p.set(w("rsidR"), "00AB12CD")
        p.insert(0, w_el('<w:commentRangeStart w:id="0"/>'))
        p.append(w_el('<w:commentRangeEnd w:id="0"/>'))
        p.append(
            w_el(
                '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r>'
            )
        )
        p.append(w_el('<w:proofErr w:type="spellStart"/>'))
        p.append(w_el('<w:bookmarkStart w:id="9" w:name="_GoBack"/>'))
        p.append(
            w_el(
                '<w:sdt><w:sdtPr><w:tag w:val="goog_rdk_1"/></w:sdtPr><w:sdtContent>'
                '<w:r w:rsidRPr="00112233"><w:t xml:space="preserve"> Inne i kapsling.</w:t></w:r>'
                "</w:sdtContent></w:sdt>"
            )
        )

    item = answer(read(edit_body(filled, annotate), definition, assignments), assignments[0].key, "kommentar")
    assert item.text == "Text med kommentar. Inne i kapsling."
    for gone in ("comment", "proofErr", "rsid", "bookmark", "w:sdt>", "goog_rdk", "<w:sdtPr"):
        assert gone not in item.xml


def test_alias_is_used_when_the_tag_is_gone(template, definition, assignments, tags):
    filled = fill_response_docx(template, {tags["second"]: ["Svar via alias."]})

    def drop_tags(root: etree._Element) -> None:
        for tag in list(root.iter(w("tag"))):
            tag.getparent().remove(tag)

    extracted = read(edit_body(filled, drop_tags), definition, assignments)
    item = answer(extracted, assignments[1].key, definition.fields.word[-1].id)
    assert (item.text, item.found_by) == ("Svar via alias.", "alias")
    assert {a.found_by for a in extracted.answers} == {"alias"}


def test_inline_control_with_paragraphs_outside_it_is_recovered(template, definition, assignments, tags):
    """What LibreOffice does to a block control: inline around the first paragraph only."""
    filled = fill_response_docx(template, {tags["first"]: ["Ett.", "- två", "Tre."]})

    def inline(root: etree._Element) -> None:
        sdt = control(root, tags["first"])
        paragraphs = sdt.find("w:sdtContent", NS).findall("w:p", NS)
        outer = etree.Element(w("p"))
        inner = etree.SubElement(outer, w("sdt"))
        inner.append(sdt.find("w:sdtPr", NS))
        etree.SubElement(inner, w("sdtContent")).extend(paragraphs[0].findall("w:r", NS))
        sdt.getparent().replace(sdt, outer)
        outer.addnext(paragraphs[2])
        outer.addnext(paragraphs[1])

    item = answer(read(edit_body(filled, inline), definition, assignments), assignments[0].key, "kommentar")
    assert item.text == "Ett.\ntvå\nTre."
    assert item.found_by == "tag"


def test_text_typed_under_headings_after_controls_were_deleted(template, definition, assignments, tags):
    filled = fill_response_docx(
        template,
        {tags["general"]: ["Övergripande.", "Två stycken."], tags["first"]: ["Under rubriken."]},
    )

    def delete_controls(root: etree._Element) -> None:
        for sdt in list(root.iter(w("sdt"))):
            content = list(sdt.find("w:sdtContent", NS))
            parent, index = sdt.getparent(), sdt.getparent().index(sdt)
            parent[index : index + 1] = content

    extracted = read(edit_body(filled, delete_controls), definition, assignments)
    general = answer(extracted, GENERAL, definition.fields.general.id)
    assert (general.text, general.found_by) == ("Övergripande.\nTvå stycken.", "heading")
    first = answer(extracted, assignments[0].key, definition.fields.word[-1].id)
    assert (first.text, first.found_by) == ("Under rubriken.", "heading")
    assert answer(extracted, assignments[0].key, definition.fields.word[0].id).empty
    assert any("lästes från texten under respektive rubrik" in warning for warning in extracted.warnings)


def test_labels_deleted_too_text_goes_to_the_main_field(template, definition, assignments):
    first = assignments[0]
    labels = {f.label for f in definition.fields.word}

    def retype(root: etree._Element) -> None:
        body = root.find("w:body", NS)
        for sdt in list(body.iter(w("sdt"))):
            if sdt.find("w:sdtPr/w:tag", NS).get(w("val")).startswith(f"remiss:{first.key}:"):
                body.remove(sdt)
        for p in list(body.findall("w:p", NS)):
            if "".join(p.itertext()) in labels:
                body.remove(p)
        heading = next(
            p
            for p in body.findall("w:p", NS)
            if "".join(p.itertext()).startswith(f"{first.measure.number} Åtgärd")
        )
        heading.addnext(w_el("<w:p><w:r><w:t>Fritt skrivet svar.</w:t></w:r></w:p>"))

    extracted = read(edit_body(template, retype), definition, assignments)
    main = next(f for f in definition.fields.word if f.required)
    assert answer(extracted, first.key, main.id).text == "Fritt skrivet svar."
    others = [answer(extracted, first.key, f.id) for f in definition.fields.word if f is not main]
    assert all(a.empty for a in others)


def test_images_are_dropped_with_a_warning(template, definition, assignments, tags):
    filled = fill_response_docx(template, {tags["first"]: ["Se bild."]})

    def add_image(root: etree._Element) -> None:
        p = control(root, tags["first"]).find("w:sdtContent/w:p", NS)
        p.append(w_el("<w:r><w:drawing><w:anchor/></w:drawing></w:r>"))

    extracted = read(edit_body(filled, add_image), definition, assignments, name="kultur-svar.docx")
    assert "drawing" not in answer(extracted, assignments[0].key, "kommentar").xml
    assert any(w.startswith("kultur-svar.docx: bilder") for w in extracted.warnings)


def test_fields_of_other_organisations_are_reported(template, definition, catalog, assignments):
    others = next(
        found
        for o in catalog.organisations
        if (found := definition.assignments_for(o.id, catalog)) and found[0].key != assignments[0].key
    )
    extracted = read(template, definition, others, name="fel.docx")
    assert any("fel.docx" in w and "inte hör till mottagarens" in w for w in extracted.warnings)
    assert any("hittades inte" in w for w in extracted.warnings)
    assert all(a.empty for a in extracted.answers[1:])


def test_text_typed_below_a_placeholder_keeps_only_the_text(template, definition, assignments, tags):
    """LibreOffice users often type under the grey field instead of into it."""

    def type_below(root: etree._Element) -> None:
        control(root, tags["first"]).addnext(w_el("<w:p><w:r><w:t>Skrivet under fältet.</w:t></w:r></w:p>"))

    item = answer(
        read(edit_body(template, type_below), definition, assignments), assignments[0].key, "kommentar"
    )
    assert (item.text, item.empty) == ("Skrivet under fältet.", False)
    assert definition.fields.word[-1].placeholder not in item.xml


def test_a_table_in_an_answer_is_kept(template, definition, assignments, tags):
    filled = fill_response_docx(template, {tags["first"]: ["Se tabellen:"]})
    table = (
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        "<w:tc><w:p><w:r><w:t>2016</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>1 200 tkr</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )

    def add_table(root: etree._Element) -> None:
        control(root, tags["first"]).find("w:sdtContent", NS).append(w_el(table))

    item = answer(
        read(edit_body(filled, add_table), definition, assignments), assignments[0].key, "kommentar"
    )
    assert item.text == "Se tabellen:\n2016\n1 200 tkr"
    assert [child.tag for child in etree.fromstring(item.xml)] == [w("p"), w("tbl")]


def test_tab_stop_definitions_are_not_text(template, definition, assignments, tags):
    filled = fill_response_docx(template, {tags["first"]: ["Kolumn\tvärde"]})

    def add_tab_stops(root: etree._Element) -> None:
        p = control(root, tags["first"]).find("w:sdtContent/w:p", NS)
        p.insert(0, w_el('<w:pPr><w:tabs><w:tab w:val="left" w:pos="2000"/></w:tabs></w:pPr>'))

    item = answer(
        read(edit_body(filled, add_tab_stops), definition, assignments), assignments[0].key, "kommentar"
    )
    assert item.text == "Kolumn\tvärde"
