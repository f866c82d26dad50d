"""The compiled workbook `remiss annex --xlsx` writes: one row per organisation × åtgärd."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.annex.conftest import keys


@pytest.fixture(scope="module")
def workbook(published):
    return load_workbook(Path(published["xlsx"]))


def rows(sheet) -> list[dict[str, object]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_one_row_per_organisation_and_atgard_in_annex_order(workbook) -> None:
    found = rows(workbook["Svar per åtgärd"])
    kultur = [r for r in found if r["Organisation (id)"] == "kultur"]
    assert [f"{r['Åtgärd']}" for r in kultur] == [key.split("/")[1] for key in keys("kultur")]
    assert {r["Status"] for r in kultur} == {"komplett"}
    missing = [r for r in found if r["Organisation (id)"] == "kungsholmen"]
    assert missing and all(r["Status"] == "saknas" and not r["Kommentar"] for r in missing)
    assert [r["Grupp"] for r in found[:1]] == ["Fackförvaltningar"]


def test_word_answers_as_plain_text_and_excel_values_typed(workbook) -> None:
    sheet = workbook["Svar per åtgärd"]
    header = [c.value for c in sheet[1]]
    first = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == "kultur")
    cell = dict(zip(header, first, strict=True))
    comment = cell["Kommentar"].value
    assert comment.startswith(
        "Nämnden stöder åtgärden och vill pröva den i Kulturhuset.\n"
        "1. Kartlägga nuläget\n2. Ta fram en plan\n• Biblioteken\n• Kulturskolan"
    )
    assert "\nVerksamhet | Besök 2015\nBibliotek | 5 200 000\n" in comment  # a table row per line
    assert (
        "[Bild: Diagram över besökare 2015]" in comment and "Granskad text tillagd i granskningen" in comment
    )
    assert cell["Tidshorisont"].value == "Inför budget 2017"
    assert cell["Uppskattad kostnad (tkr)"].value == 250 and cell["Uppskattad kostnad (tkr)"].data_type == "n"
    typed = cell["Motivering av prioritering"]
    assert typed.value == '=HYPERLINK("http://example.invalid")' and typed.data_type == "s"


def test_no_cell_is_a_formula(published) -> None:
    with zipfile.ZipFile(Path(published["xlsx"])) as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def test_general_comments_sheet(workbook) -> None:
    general = {r["Organisation (id)"]: r["Övergripande kommentar"] for r in rows(workbook["Övergripande"])}
    assert len(general) == 31
    assert general["kultur"] == "Kulturnämnden välkomnar kommissionens rapporter."
    assert general["farsta"] is None  # an empty cell, not an empty string
