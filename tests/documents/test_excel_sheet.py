"""The fast sheet reader gives every cell exactly what openpyxl's read-only mode gives.

Compared cell by cell (value and data type, row shape included) on workbooks holding every
kind of cell Excel and LibreOffice write, and on the committed LibreOffice-saved response.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from remiss.documents.excel.sheet import read_sheets
from remiss.errors import RejectedFile

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice" / "excel-filled-lo74.xlsx"


def as_openpyxl(data: bytes) -> dict[str, list[list[tuple[object, str]]]]:
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    try:
        sheets = {}
        for ws in wb.worksheets:
            ws.reset_dimensions()
            sheets[ws.title] = [_shape(row) for row in ws.iter_rows()]
        return sheets
    finally:
        wb.close()


def as_fast(data: bytes) -> dict[str, list[list[tuple[object, str]]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {
            s.title: [_shape(row) for row in s.iter_rows()]
            for s in read_sheets(package, "t.xlsx", "xl/workbook.xml")
        }


def _shape(row) -> list[tuple[object, str]]:
    out = []
    for cell in row:
        value = getattr(cell, "value", None)
        text = getattr(value, "text", None)  # ArrayFormula compares by its text
        out.append((text if isinstance(text, str) else value, getattr(cell, "data_type", "n")))
    return out


def every_kind_of_cell(date1904: bool = False) -> bytes:
    wb = Workbook()
    wb.epoch = dt.datetime(1904, 1, 1) if date1904 else wb.epoch
    ws = wb.active
    ws.title = "Svar"
    ws["A1"], ws["B1"], ws["C1"], ws["E1"] = "text", 12, 12.5, True
    ws["A3"] = dt.datetime(2016, 4, 1, 9, 30)
    ws["B3"] = dt.date(2016, 4, 29)
    ws["C3"] = dt.time(8, 15)
    ws["D3"] = dt.timedelta(hours=30)
    ws["A4"] = "=SUM(B1:C1)"
    ws["B4"] = '=A1&"x"'
    ws["C4"] = 1e20
    ws["D4"] = -0.0001
    ws["A5"] = CellRichText(["vanlig ", TextBlock(InlineFont(b=True), "fet"), " text"])
    ws["B5"] = "  mellanslag  "
    ws["C5"] = "rad\nbrytning"
    ws["A7"] = "efter en tom rad"
    ws["F7"] = "gles rad"
    other = wb.create_sheet("Listor")
    other["A1"] = "ett"
    other.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    data = every_kind_of_cell()
    assert as_fast(data) == as_openpyxl(data)


def test_1904_calendar_dates():
    data = every_kind_of_cell(date1904=True)
    fast = as_fast(data)
    assert fast == as_openpyxl(data)
    assert fast["Svar"][2][0] == (dt.datetime(2016, 4, 1, 9, 30), "d")


def test_libreoffice_saved_response_reads_as_openpyxl_reads_it():
    data = FIXTURE.read_bytes()
    assert as_fast(data) == as_openpyxl(data)


def test_shared_strings_error_values_and_shared_formulas():
    """Cells as Excel writes them: shared strings, an error value, a shared formula's dependents."""
    data = FIXTURE.read_bytes()  # a workbook with a shared strings part, as LibreOffice saves it
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="e"><v>#DIV/0!</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">B2*2</f><v>2</v></c>'
        '<c r="B2"><v>1</v></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="0"/><v>4</v></c><c r="B3" t="str"><f>A1</f><v>x</v></c></row>'
        '<row r="4"><c r="A4"><f t="array" ref="A4">SUM(B2:B3)</f></c><c r="B4" t="b"><v>0</v></c></row>'
        "</sheetData></worksheet>"
    )
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        "<si><t>första</t></si><si><r><t>rik </t></r><r><rPr><b/></rPr><t>text</t></r>"
        '<rPh sb="0" eb="1"><t>fonetisk</t></rPh></si></sst>'
    )
    data = _with_parts(
        data, {"xl/worksheets/sheet1.xml": sheet.encode(), "xl/sharedStrings.xml": strings.encode()}
    )
    fast = as_fast(data)
    assert fast == as_openpyxl(data)
    assert list(fast) == ["Svar"] and fast["Svar"][0] == [
        ("första", "s"),
        ("rik text", "s"),
        ("#DIV/0!", "e"),
    ]
    assert fast["Svar"][2][0] == ("=B3*2", "f")


def test_doctype_in_a_sheet_is_refused_with_the_file_named():
    data = _with_parts(
        every_kind_of_cell(),
        {"xl/worksheets/sheet1.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><worksheet/>'},
    )
    with zipfile.ZipFile(io.BytesIO(data)) as package, pytest.raises(RejectedFile) as refused:
        read_sheets(package, "svar.xlsx", "xl/workbook.xml")
    assert refused.value.code == "xml-doctype" and "svar.xlsx" in refused.value.reason


def _with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = set(source.namelist())
        for info in source.infolist():
            target.writestr(info.filename, parts.get(info.filename, source.read(info)))
        assert set(parts) <= names, "only parts the workbook has are replaced"
    return out.getvalue()
