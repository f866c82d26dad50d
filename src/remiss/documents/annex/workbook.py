"""The compiled workbook (`remiss annex --xlsx`): every answer of the round in one sheet.

One row per organisation and åtgärd, with every Word answer as plain text (list items with
their numbers and bullets, a table row per line: annex.plaintext) and every Excel value; a
second sheet holds the general comments. Text columns wrap, each row is as tall as its
longest cell, and printed the sheets are landscape with their headings on every page.
Whatever a person typed is written as a text cell (data_type "s"), never as a formula:
openpyxl would otherwise store "=HYPERLINK(…)" typed into an answer as a live formula.
Numbers from the Excel sheets stay numbers.
"""

from __future__ import annotations

import io
import math
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from remiss.documents.model import CompiledWorkbook

MAX_CELL = 32_767  # Excel's limit on the characters of one cell
_TRUNCATED = " […] (avkortad: hela svaret finns i bilagan)"
# openpyxl refuses these (IllegalCharacterError); Word text can contain them (e.g. \x0b line breaks).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FIXED = (
    "Grupp",
    "Organisation (id)",
    "Förvaltning",
    "Status",
    "{group}",  # the round's words (vocabulary): Delrapport, Åtgärd
    "{item}",
    "{item} (rubrik)",
    "Roll",
)
PROBLEMS = "Värden som inte kunde användas"  # the Excel values the check refused, with why
# By heading, or by position for the round's words: 5 the delrapport, 6 the åtgärd's number,
# 7 its title (wrapped, like every answer column, so a long title is read whole).
_WIDTHS = {"Grupp": 18, "Organisation (id)": 16, "Förvaltning": 28, "Status": 13, 5: 30, 6: 9, 7: 45}
_WRAPPED_FIXED = (5, 7)
_LINE_HEIGHT, _MAX_HEIGHT = 15.0, 409.0  # points: one line of Calibri 11; Excel's highest row
# Cell styles by name (listed as such in Excel and Calc): a named style is copied into a cell,
# where an Alignment object set on each of 100,000 cells is hashed and looked up every time.
_WRAPPED, _TOP = "Radbruten text", "Överkant"


def build_workbook(book: CompiledWorkbook) -> bytes:
    wb = Workbook()
    for name, alignment in (
        (_WRAPPED, Alignment(wrap_text=True, vertical="top")),
        (_TOP, Alignment(vertical="top")),
    ):
        wb.add_named_style(NamedStyle(name, alignment=alignment))
    answers = wb.active
    words = book.words
    answers.title = f"Svar per {words.item.one}"[:31]  # Excel's limit on a sheet name
    fixed_headers = [h.format(group=words.group.title, item=words.item.title) for h in _FIXED]
    headers = [*fixed_headers, *book.word_labels, *book.excel_labels, PROBLEMS]
    _header(answers, headers)
    for r, row in enumerate(book.rows, start=2):  # counted: `max_row` scans every cell each time
        fixed = (
            row.group,
            row.organisation_id,
            row.organisation,
            row.status,
            row.report,
            row.number,
            row.measure,
            row.role,
        )
        for c, value in enumerate([*fixed, *row.answers], start=1):
            _text(answers, r, c, value)
        for c, value in enumerate(row.values, start=len(fixed) + len(row.answers) + 1):
            if isinstance(value, int | float) and not isinstance(value, bool):
                answers.cell(r, c, value)
            elif value is not None:
                _text(answers, r, c, value)
        _text(answers, r, len(headers), "\n".join(row.problems))
    general = wb.create_sheet("Övergripande")
    _header(general, ["Grupp", "Organisation (id)", "Förvaltning", book.general_label])
    for r, values in enumerate(book.general, start=2):
        for c, value in enumerate(values, start=1):
            _text(general, r, c, value)
    _layout(answers, headers, len(_FIXED))
    _layout(general, ["Grupp", "Organisation (id)", "Förvaltning", book.general_label], 3)
    wb.properties.title = f"{book.title} – sammanställning"
    wb.properties.subject = f"Diarienummer {book.diarienummer}"
    wb.properties.creator = "remiss"
    wb.properties.language = "sv-SE"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(sheet: Worksheet, row: int, column: int, value: object) -> None:
    """User text as a text cell, whatever it starts with; nothing at all as an empty cell."""
    text = _ILLEGAL.sub("", "" if value is None else str(value))
    if not text:
        return
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - len(_TRUNCATED)] + _TRUNCATED
    cell = sheet.cell(row, column)
    cell.value = text
    cell.data_type = "s"


def _header(sheet: Worksheet, headers: list[str]) -> None:
    sheet.append([None] * len(headers))
    for c, title in enumerate(headers, start=1):
        _text(sheet, 1, c, title)
        sheet.cell(1, c).font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _lines(value: object, width: float) -> int:
    """How many lines a wrapped cell needs: LibreOffice does not fit a row to its wrapped text
    when it opens the file, so the row's height is set from this estimate (a column width
    unit holds about one character of Calibri 11)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width), 1)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in value.split("\n"))


def _layout(sheet: Worksheet, headers: list[str], fixed: int) -> None:
    for c, title in enumerate(headers, start=1):
        width = _WIDTHS.get(title, _WIDTHS.get(c, 12) if c <= fixed else 50)
        sheet.column_dimensions[get_column_letter(c)].width = width
    wrapped = {c - 1 for c in _WRAPPED_FIXED if c <= fixed}
    widths = [sheet.column_dimensions[get_column_letter(c)].width for c in range(1, len(headers) + 1)]
    for row in sheet.iter_rows(min_row=2):
        lines = 1
        for index, cell in enumerate(row):
            if index >= fixed or index in wrapped:
                cell.style = _WRAPPED
                lines = max(lines, _lines(cell.value, widths[index]))
            else:
                cell.style = _TOP
        if lines > 1:
            sheet.row_dimensions[row[0].row].height = min(lines * _LINE_HEIGHT, _MAX_HEIGHT)
    if sheet.max_row > 1:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{sheet.max_row}"
    # Printed, the sheet runs over many pages: landscape, and on every page the column
    # headings and which förvaltning a row is (Förvaltning is the third column).
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "C:C"
