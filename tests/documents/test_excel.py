"""The Excel sheet: built per organisation, filled as a nämnd would, read back and checked.

Every workbook here is a real file, opened with openpyxl or as a zip; nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook

from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.excel.reader import parse_swedish_number, read_response_xlsx
from remiss.documents.excel.template import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    ID_ROW,
    KEY_MARKER,
    build_response_xlsx,
)
from remiss.documents.properties import read_custom_properties
from remiss.domain.catalog import Catalog
from remiss.domain.round import RoundDefinition
from remiss.errors import DocumentError, RejectedFile
from remiss.identity import parse_reference

INPUT = {"tidshorisont": "F", "motivering": "G", "kostnad_tkr": "H"}


def build(definition: RoundDefinition, catalog: Catalog, identity_for, org_id: str) -> bytes:
    own = definition.assignments_for(org_id, catalog)
    return build_response_xlsx(definition, catalog.by_id[org_id], own, identity_for(org_id))


def first_with_assignments(definition: RoundDefinition, catalog: Catalog, group: str) -> str:
    return next(
        o.id
        for o in catalog.organisations
        if o.group.value == group and definition.assignments_for(o.id, catalog)
    )


def replace_member(
    data: bytes, member: str, content: bytes | None, extra: dict[str, bytes] | None = None
) -> bytes:
    """A copy of the package with one part replaced (None: removed) and parts added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info.filename, source.read(info))
            elif content is not None:
                target.writestr(info.filename, content)
        for name, part in (extra or {}).items():
            target.writestr(name, part)
    return out.getvalue()


@pytest.fixture
def bromma(definition, catalog, identity_for):
    """A stadsdel with several åtgärder in the bundled round: (template bytes, assignments)."""
    org_id = first_with_assignments(definition, catalog, "stadsdel")
    return build(definition, catalog, identity_for, org_id), definition.assignments_for(org_id, catalog)


# --- building ------------------------------------------------------------------------


@pytest.mark.parametrize("group", ["stadsdel", "fack"])
def test_rows_are_the_organisations_assignments(definition, catalog, identity_for, group):
    org_id = first_with_assignments(definition, catalog, group)
    own = definition.assignments_for(org_id, catalog)
    ws = load_workbook(io.BytesIO(build(definition, catalog, identity_for, org_id)))["Svar"]
    rows = list(ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert [r[0] for r in rows] == [a.key for a in own]
    expected = [(a.report.title, a.measure.number, a.measure.title, a.role.capitalize()) for a in own]
    assert [r[1:5] for r in rows] == expected
    assert ws.cell(ID_ROW, 1).value == KEY_MARKER
    assert [ws.cell(ID_ROW, 6 + i).value for i in range(3)] == [c.id for c in definition.fields.excel]
    assert ws.cell(HEADER_ROW, 6).value == "Tidshorisont *"  # required
    assert ws.row_dimensions[ID_ROW].hidden and ws.column_dimensions["A"].hidden
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"


def test_title_block_names_round_namnd_deadline_and_reference(definition, catalog, identity_for):
    data = build(definition, catalog, identity_for, "bromma")
    ws = load_workbook(io.BytesIO(data))["Svar"]
    texts = [c for row in ws.iter_rows(max_row=6, values_only=True) for c in row if c]
    assert texts[0] == definition.title
    assert f"Diarienummer: {definition.diarienummer}" in texts
    assert f"Nämnd: {catalog.by_id['bromma'].namnd}" in texts
    assert f"Sista svarsdag: {definition.deadline.isoformat()}" in texts
    reference = identity_for("bromma").reference
    assert any(reference in t for t in texts)
    found = [parse_reference(t) for t in texts if parse_reference(t)]
    assert found == [(definition.id, "bromma", identity_for("bromma").token[:8])]


def test_identity_is_in_custom_properties_as_strings(definition, catalog, identity_for):
    data = build(definition, catalog, identity_for, "kultur")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert read_custom_properties(package) == identity_for("kultur").as_properties()
    props = load_workbook(io.BytesIO(data)).custom_doc_props
    assert {p.name: (type(p).__name__, p.value) for p in props.props} == {
        name: ("StringProperty", value) for name, value in identity_for("kultur").as_properties().items()
    }


def test_validations_match_column_types(definition, bromma):
    data, own = bromma
    ws = load_workbook(io.BytesIO(data))["Svar"]
    last = FIRST_DATA_ROW + len(own) - 1
    by_range = {str(v.sqref): v for v in ws.data_validations.dataValidation}
    choice = by_range[f"F{FIRST_DATA_ROW}:F{last}"]
    assert choice.type == "list" and choice.showDropDown is False  # False shows the arrow
    assert choice.formula1 == '"' + ",".join(definition.fields.excel[0].choices) + '"'
    assert choice.showErrorMessage and choice.errorStyle == "stop"
    assert choice.error.startswith("Välj ett av värdena i listan: Budget 2016")
    text = by_range[f"G{FIRST_DATA_ROW}:G{last}"]
    assert (text.type, text.operator, text.formula1) == ("textLength", "lessThanOrEqual", "2000")
    number = by_range[f"H{FIRST_DATA_ROW}:H{last}"]
    assert (number.type, number.operator, number.formula1, number.formula2) == (
        "decimal",
        "between",
        "0",
        "10000000",
    )
    assert "10 000 000" in number.error


def test_only_input_cells_are_unlocked_and_sheet_is_protected(bromma):
    data, own = bromma
    ws = load_workbook(io.BytesIO(data))["Svar"]
    assert ws.protection.sheet and not ws.protection.password
    unlocked = {
        cell.coordinate
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row + 3, max_col=12)
        for cell in row
        if not cell.protection.locked
    }
    rows = range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(own))
    assert unlocked == {f"{col}{r}" for col in INPUT.values() for r in rows}
    assert ws[f"G{FIRST_DATA_ROW}"].number_format == "@"  # typed text stays text


def test_organisation_without_assignments_gets_a_line_saying_so(definition, catalog, identity_for):
    empty = next((o for o in catalog.organisations if not definition.assignments_for(o.id, catalog)), None)
    if empty is None:  # the bundled round may reach everyone: use one without åtgärder
        empty = catalog.organisations[0]
        bare = [r.model_copy(update={"measures": []}) for r in definition.reports]
        definition = definition.model_copy(update={"reports": bare})
    data = build_response_xlsx(definition, empty, [], identity_for(empty.id))
    ws = load_workbook(io.BytesIO(data))["Svar"]
    texts = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any("har inga åtgärder" in t and empty.namnd in t for t in texts)
    assert KEY_MARKER not in texts and not ws.data_validations.dataValidation
    assert read_response_xlsx(data, "tom.xlsx", definition, []).values == []


def test_text_starting_with_equals_is_written_as_text(definition, catalog, identity_for):
    tricky = definition.model_copy(update={"title": '=HYPERLINK("http://example.org","klicka")'})
    data = build(tricky, catalog, identity_for, "bromma")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    cell = load_workbook(io.BytesIO(data))["Svar"]["B1"]
    assert (cell.value, cell.data_type) == (tricky.title, "s")


def test_choice_lists_with_commas_go_to_a_hidden_sheet(definition, catalog, identity_for):
    columns = [
        c.model_copy(update={"choices": ["Ja, helt", "Nej"]}) if c.type == "choice" else c
        for c in definition.fields.excel
    ]
    commas = definition.model_copy(update={"fields": definition.fields.model_copy(update={"excel": columns})})
    data = build(commas, catalog, identity_for, "bromma")
    wb = load_workbook(io.BytesIO(data))
    assert wb["Listor"].sheet_state == "hidden"
    assert [wb["Listor"].cell(r, 1).value for r in (1, 2)] == ["Ja, helt", "Nej"]
    choice = next(v for v in wb["Svar"].data_validations.dataValidation if v.type == "list")
    assert choice.formula1 == "Listor!$A$1:$A$2"
    key = commas.assignments_for("bromma", catalog)[0].key
    filled = fill_response_xlsx(data, {(key, "tidshorisont"): "ja, HELT"})
    own = commas.assignments_for("bromma", catalog)
    got = by_key(read_response_xlsx(filled, "svar.xlsx", commas, own))
    assert got[(key, "tidshorisont")].value == "Ja, helt"


# CT_Worksheet is a sequence: Excel refuses ("repairs") a sheet whose children are out of order.
WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
]  # fmt: skip


@pytest.mark.parametrize("with_columns", [True, False])
def test_parts_are_well_formed_and_in_schema_order(definition, catalog, identity_for, with_columns):
    if not with_columns:
        definition = definition.model_copy(
            update={"fields": definition.fields.model_copy(update={"excel": []})}
        )
    data = build(definition, catalog, identity_for, "bromma")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.namelist()[0] == "[Content_Types].xml"
        roots = {
            n: etree.fromstring(package.read(n)) for n in package.namelist() if n.endswith((".xml", ".rels"))
        }
    children = [etree.QName(c).localname for c in roots["xl/worksheets/sheet1.xml"]]
    assert children == sorted(children, key=WORKSHEET_ORDER.index)
    assert ("dataValidations" in children) == with_columns  # never an empty dataValidations


def test_every_recipient_of_the_bundled_round_reads_back_empty(definition, catalog, identity_for):
    for org_id in definition.recipient_ids(catalog):
        own = definition.assignments_for(org_id, catalog)
        data = build(definition, catalog, identity_for, org_id)
        extracted = read_response_xlsx(data, f"{org_id}.xlsx", definition, own)
        assert extracted.warnings == []
        assert [(v.measure_key, v.column_id) for v in extracted.values] == [
            (a.key, c.id) for a in own for c in definition.fields.excel
        ]
        assert all(v.value is None and v.problem is None and v.raw == "" for v in extracted.values)


# --- filling and reading -------------------------------------------------------------


def by_key(extracted) -> dict[tuple[str, str], object]:
    return {(v.measure_key, v.column_id): v for v in extracted.values}


def test_fill_and_read_round_trip(definition, bromma):
    data, own = bromma
    first, second = own[0].key, own[1].key
    filled = fill_response_xlsx(
        data,
        {
            (first, "tidshorisont"): "  inför BUDGET 2017 ",
            (first, "motivering"): "=ser ut som en formel men är text",
            (first, "kostnad_tkr"): 1200.5,
            (second, "tidshorisont"): "Nästa år",
            (second, "kostnad_tkr"): "12,5",
            (second, "motivering"): "Två\nrader",
        },
    )
    extracted = read_response_xlsx(filled, "Bromma svar.xlsx", definition, own)
    assert extracted.warnings == []
    got = by_key(extracted)
    assert got[(first, "tidshorisont")].value == "Inför budget 2017"
    assert got[(first, "motivering")].value == "=ser ut som en formel men är text"
    assert got[(first, "motivering")].problem is None
    assert (got[(first, "kostnad_tkr")].raw, got[(first, "kostnad_tkr")].value) == ("1200.5", 1200.5)
    assert (got[(second, "kostnad_tkr")].raw, got[(second, "kostnad_tkr")].value) == ("12,5", 12.5)
    assert got[(second, "motivering")].value == "Två\nrader"
    invalid = got[(second, "tidshorisont")]
    assert (invalid.raw, invalid.value) == ("Nästa år", None)
    assert invalid.problem == (
        f"Värdet 'Nästa år' i kolumnen Tidshorisont för åtgärd {own[1].measure.number} finns inte i listan "
        "(Budget 2016, Inför budget 2017, Längre planeringshorisont, Ej aktuell)."
    )
    untouched = [v for k, v in got.items() if k[0] not in (first, second)]
    assert untouched and all(v.value is None and v.problem is None for v in untouched)


def test_formula_typed_by_a_user_is_kept_as_text_with_a_problem(definition, bromma):
    data, own = bromma
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Svar"]
    ws[f"H{FIRST_DATA_ROW}"] = "=SUM(100,200)"  # as Excel stores a typed formula
    ws[f"G{FIRST_DATA_ROW}"] = "=A1"
    assert ws[f"H{FIRST_DATA_ROW}"].data_type == "f"
    out = io.BytesIO()
    wb.save(out)
    got = by_key(read_response_xlsx(out.getvalue(), "svar.xlsx", definition, own))
    for column, formula in (("kostnad_tkr", "=SUM(100,200)"), ("motivering", "=A1")):
        value = got[(own[0].key, column)]
        assert (value.raw, value.value) == (formula, None)
        assert "innehåller en formel, som inte räknas ut; skriv värdet i stället" in value.problem
        assert own[0].measure.number in value.problem


def test_number_problems_are_reported(definition, bromma):
    data, own = bromma
    key = own[0].key
    cases = (("tolv", "är inte ett tal"), (-5, "utanför det tillåtna intervallet 0–10 000 000"))
    for typed, fragment in cases:
        filled = fill_response_xlsx(data, {(key, "kostnad_tkr"): typed})
        value = by_key(read_response_xlsx(filled, "svar.xlsx", definition, own))[(key, "kostnad_tkr")]
        assert value.value is None and fragment in value.problem
        assert "Uppskattad kostnad (tkr)" in value.problem and own[0].measure.number in value.problem


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12,5", 12.5),
        ("1 200", 1200.0),
        ("1\u00a0200,5", 1200.5),
        ("1\u202f200\u00a0000", 1200000.0),
        ("  7 ", 7.0),
        ("-3,25", -3.25),
        ("\u22123", -3.0),
        ("12.5", 12.5),
        ("1.200,5", 1200.5),
        ("1.200", None),  # 1200 or 1,2? refused rather than guessed
        ("12 5", None),
        ("1,2,3", None),
        ("12 tkr", None),
        ("", None),
        ("inf", None),
    ],
)
def test_swedish_numbers(text, number):
    assert parse_swedish_number(text) == number


def test_deleted_and_reordered_rows(definition, bromma):
    data, own = bromma
    assert len(own) >= 3
    filled = fill_response_xlsx(data, {(a.key, "kostnad_tkr"): float(i) for i, a in enumerate(own)})
    wb = load_workbook(io.BytesIO(filled))
    ws = wb["Svar"]
    ws.protection.sheet = False  # as a user who unprotects the sheet and edits freely
    ws.delete_rows(FIRST_DATA_ROW + 1)
    top, bottom = FIRST_DATA_ROW, ws.max_row
    for col in range(1, 9):  # swap the first and last row
        a, b = ws.cell(top, col), ws.cell(bottom, col)
        a.value, b.value = b.value, a.value
    ws.cell(bottom + 1, 1).value = "okand/9.9"
    out = io.BytesIO()
    wb.save(out)
    extracted = read_response_xlsx(out.getvalue(), "ändrad.xlsx", definition, own)
    got = by_key(extracted)
    for i, a in enumerate(own):
        if i == 1:
            assert (a.key, "kostnad_tkr") not in got
        else:
            assert got[(a.key, "kostnad_tkr")].value == float(i)
    missing = own[1]
    assert any(
        f"Raden för åtgärd {missing.measure.number} ({missing.report.title}) saknas i ändrad.xlsx" in w
        for w in extracted.warnings
    )
    assert any("okand/9.9" in w for w in extracted.warnings)


def test_columns_found_by_header_when_the_hidden_id_is_gone(definition, bromma):
    data, own = bromma
    key = own[0].key
    filled = fill_response_xlsx(data, {(key, "kostnad_tkr"): 5, (key, "motivering"): "kvar"})
    wb = load_workbook(io.BytesIO(filled))
    ws = wb["Svar"]
    ws[f"H{ID_ROW}"] = None  # id gone, header "Uppskattad kostnad (tkr)" still there
    ws[f"G{ID_ROW}"] = None
    ws[f"G{HEADER_ROW}"] = "Något annat"  # id and header gone: column unreadable
    ws[f"F{FIRST_DATA_ROW}"] = dt.date(2016, 4, 1)  # a date in the list column
    out = io.BytesIO()
    wb.save(out)
    extracted = read_response_xlsx(out.getvalue(), "svar.xlsx", definition, own)
    got = by_key(extracted)
    assert got[(key, "kostnad_tkr")].value == 5.0
    assert not any(k[1] == "motivering" for k in got)
    assert extracted.warnings == [
        "Kolumnen Motivering av prioritering saknas i svar.xlsx; dess värden kunde inte läsas."
    ]
    date = got[(key, "tidshorisont")]
    assert (date.raw, date.value) == ("2016-04-01T00:00:00", None) and "finns inte i listan" in date.problem


# --- fill errors -----------------------------------------------------------------------


def test_fill_refuses_unknown_keys_and_locked_columns(bromma):
    data, own = bromma
    with pytest.raises(DocumentError, match="Åtgärden 'finns/inte'"):
        fill_response_xlsx(data, {("finns/inte", "tidshorisont"): "Ej aktuell"})
    with pytest.raises(DocumentError, match="Kolumnen 'saknas'"):
        fill_response_xlsx(data, {(own[0].key, "saknas"): "x"})
    with pytest.raises(DocumentError, match="Kolumnen 'remiss:roll' är låst"):
        fill_response_xlsx(data, {(own[0].key, "remiss:roll"): "Ansvarig"})


# --- refused files ---------------------------------------------------------------------


def macro_enabled(data: bytes) -> bytes:
    """The workbook turned into an .xlsm (VBA part + macro content type), name kept .xlsx."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml")
    main = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    types = types.replace(main, b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    vba = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    types = types.replace(b"</Types>", vba + b"</Types>")
    return replace_member(data, "[Content_Types].xml", types, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"})


def test_macro_enabled_workbook_renamed_xlsx_is_refused(definition, bromma):
    data, own = bromma
    xlsm = macro_enabled(data)
    load_workbook(io.BytesIO(xlsm))  # openpyxl itself would happily load it
    with pytest.raises(RejectedFile) as refused:
        read_response_xlsx(xlsm, "svar.xlsx", definition, own)
    assert refused.value.code == "macro" and "svar.xlsx" in refused.value.reason
    assert "makro" in refused.value.reason
    only_part = replace_member(data, "xl/vbaProject.bin", None, {"xl/vbaProject.bin": b"vba"})
    with pytest.raises(RejectedFile, match="makroaktiverad"):
        read_response_xlsx(only_part, "svar.xlsx", definition, own)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda d: replace_member(d, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row"), "corrupt"),
        (
            lambda d: replace_member(
                d,
                "xl/worksheets/sheet1.xml",
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>&e;</t></is></c></row>"
                b"</sheetData></worksheet>",
            ),
            "xml-doctype",
        ),
        (lambda d: replace_member(d, "xl/workbook.xml", None), "corrupt"),
        (lambda d: d[: len(d) // 2], "corrupt"),
    ],
)
def test_broken_files_are_refused_with_the_file_named(definition, bromma, change, code):
    data, own = bromma
    with pytest.raises(RejectedFile) as refused:
        read_response_xlsx(change(data), "Brommas svar.xlsx", definition, own)
    assert refused.value.code == code and "Brommas svar.xlsx" in refused.value.reason


def test_word_file_and_foreign_workbook_are_refused(definition, bromma):
    data, own = bromma
    word = replace_member(
        data,
        "[Content_Types].xml",
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override '
        b'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.document.main+xml"/></Types>',
    )
    with pytest.raises(RejectedFile, match="är en Word-fil"):
        read_response_xlsx(word, "svar.xlsx", definition, own)
    foreign = io.BytesIO()
    Workbook().save(foreign)
    with pytest.raises(RejectedFile) as refused:
        read_response_xlsx(foreign.getvalue(), "egen.xlsx", definition, own)
    assert refused.value.code == "not-template" and "egen.xlsx" in refused.value.reason
    assert read_response_xlsx(foreign.getvalue(), "egen.xlsx", definition, []).warnings == []
