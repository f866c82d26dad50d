"""Filling in an issued sheet the way a nämnd would: for the demo and for tests.

This is the one place a workbook is re-saved, and only workbooks remiss issued itself:
returned files are never re-saved (see excel_reader). Values go into the unlocked input
cells only, found by the hidden key column and id row, as Excel would store typed input:
numbers as numbers, strings as text (a string starting with "=" stays text, as if typed
into a text-formatted cell).
"""

from __future__ import annotations

import io
import warnings

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from remiss.documents.excel.reader import SheetLayout, locate_layout
from remiss.documents.excel.template import KEY_MARKER, SHEET_NAME
from remiss.errors import DocumentError

Value = str | float


def fill_response_xlsx(data: bytes, values: dict[tuple[str, str], Value]) -> bytes:
    """The workbook with `values[(measure_key, column_id)]` written into its input cells."""
    if not values:
        return data  # nothing typed: the file goes back as issued (also when it has no rows)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data))
    except Exception as exc:  # only our own workbooks come here; say what failed
        raise DocumentError(f"Arbetsboken kunde inte öppnas för ifyllnad ({type(exc).__name__}).") from None
    layout = locate_layout(wb.worksheets)
    if layout is None:
        raise DocumentError(
            f"Arbetsboken saknar svarsbladet ({SHEET_NAME} med den dolda nyckelkolumnen) "
            "och kan inte fyllas i."
        )
    ws = wb[layout.title]
    for (key, column_id), value in values.items():
        row, column = _position(layout, key, column_id)
        cell = ws.cell(row=row, column=column)
        if cell.protection.locked:
            raise DocumentError(
                f"Kolumnen '{column_id}' är låst i svarsbladet och kan inte fyllas i (åtgärd {key})."
            )
        _write(cell, value, key, column_id)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _position(layout: SheetLayout, key: str, column_id: str) -> tuple[int, int]:
    """1-based (row, column) of an input cell; DocumentError naming what is unknown."""
    found = layout.rows.get(key)
    if found is None:
        known = ", ".join(sorted(layout.rows)) or "inga"
        raise DocumentError(f"Åtgärden '{key}' finns inte i svarsbladet (där finns: {known}).")
    index = layout.columns.get(column_id)
    if index is None or column_id == KEY_MARKER:
        raise DocumentError(f"Kolumnen '{column_id}' finns inte i svarsbladet (åtgärd {key}).")
    return found[0], index + 1


def _write(cell: Cell, value: Value, key: str, column_id: str) -> None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise DocumentError(
            f"Värdet för kolumnen '{column_id}', åtgärd {key}, måste vara text eller ett tal, "
            f"inte {type(value).__name__}."
        )
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
