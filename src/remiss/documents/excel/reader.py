"""Reading a returned Excel sheet: typed, checked values per åtgärd and column, never trusted.

The cells are read straight from the XML (see excel_sheet) and the file is never re-saved;
formulas are never evaluated (a formula cell is reported, not computed). Rows are found by
the hidden measure_key column and columns by the hidden id row, so sorted rows or edited
titles do not matter.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from remiss.documents.excel.sheet import read_sheets
from remiss.documents.excel.template import KEY_MARKER, SHEET_NAME, swedish_number
from remiss.documents.model import Extracted, ExtractedValue
from remiss.documents.package import open_package, read_member
from remiss.documents.xmlsafe import parse_untrusted
from remiss.domain.round import DEFAULT_WORDS, Assignment, ExcelColumn, RoundDefinition, Vocabulary
from remiss.errors import RejectedFile, RemissError

SCAN_ROWS = 40  # how far down a sheet the hidden id row is looked for
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_PLAIN = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:,\d+)?")  # 1 200 / 1 200,5
_DOT_GROUPED = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")  # 1.200: thousands or decimals?
_DOT_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")  # 1.200,5


@dataclass
class SheetLayout:
    """Where the keyed rows and id'd columns of a sheet are (indexes 0-based, rows 1-based)."""

    title: str
    columns: dict[str, int]  # column id (from the hidden row) -> index in a row
    headers: dict[str, int]  # header label, casefolded, without " *" -> index (fallback)
    rows: dict[str, tuple[int, Sequence[Any]]] = field(default_factory=dict)  # key -> (row, cells)
    duplicates: list[str] = field(default_factory=list)

    def column_index(self, column: ExcelColumn) -> int | None:
        found = self.columns.get(column.id)
        return found if found is not None else self.headers.get(column.label.casefold())


def locate_layout(sheets: Iterable[Any]) -> SheetLayout | None:
    """The sheet named Svar, else the first sheet holding the hidden id row; None if none."""
    for ws in sorted(sheets, key=lambda ws: ws.title != SHEET_NAME):
        layout = _scan(ws)
        if layout is not None:
            return layout
    return None


def _scan(ws: Any) -> SheetLayout | None:
    """One pass over the sheet (read-only sheets re-parse the XML on every iter_rows call)."""
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # read-only: do not trust the file's <dimension>
    layout: SheetLayout | None = None
    key_index = header_row = 0
    for number, cells in enumerate(ws.iter_rows(), start=1):
        texts = [_text(c.value).strip() for c in cells]
        if layout is None:
            if KEY_MARKER in texts:
                key_index, header_row = texts.index(KEY_MARKER), number + 1
                layout = SheetLayout(ws.title, {t: i for i, t in enumerate(texts) if t}, {})
            elif number >= SCAN_ROWS:
                return None
        elif number == header_row:
            layout.headers = {t.removesuffix("*").strip().casefold(): i for i, t in enumerate(texts) if t}
        elif key_index < len(texts) and texts[key_index]:
            key = texts[key_index]
            if key in layout.rows:
                layout.duplicates.append(key)
            else:
                layout.rows[key] = (number, cells)
    return layout


def read_response_xlsx(
    data: bytes, name: str, definition: RoundDefinition, assignments: list[Assignment]
) -> Extracted:
    """One ExtractedValue per assignment × Excel column; missing rows become warnings."""
    package = open_package(data, name)
    workbook_part = _refuse_non_workbooks(package, name)
    try:
        layout = locate_layout(read_sheets(package, name, workbook_part))
    except (RemissError, MemoryError):
        raise
    except Exception as exc:  # untrusted input: any parser failure means the file is unreadable
        raise RejectedFile(
            f"{name} kunde inte läsas som Excelfil ({type(exc).__name__}). "
            "Öppna filen, spara den på nytt som Excel-arbetsbok (.xlsx) och skicka den igen.",
            code="corrupt",
        ) from None
    if layout is None:
        if not assignments:
            return Extracted()
        raise RejectedFile(
            f"{name} innehåller inte remissens svarsblad (bladet {SHEET_NAME} med den dolda "
            "nyckelkolumnen saknas). Använd Excelfilen som skickades ut med remissen.",
            code="not-template",
        )
    return _extract(layout, name, definition.fields.excel, assignments, definition.vocabulary)


def _extract(
    layout: SheetLayout,
    name: str,
    columns: list[ExcelColumn],
    assignments: list[Assignment],
    words: Vocabulary = DEFAULT_WORDS,
) -> Extracted:
    result = Extracted()
    indexes: dict[str, int] = {}
    for column in columns:
        index = layout.column_index(column)
        if index is None:
            result.warnings.append(f"Kolumnen {column.label} saknas i {name}; dess värden kunde inte läsas.")
        else:
            indexes[column.id] = index
    expected = {a.key for a in assignments}
    numbers = [a.measure.number for a in assignments]
    repeated = {n for n in numbers if numbers.count(n) > 1}  # named with their group in messages
    for assignment in assignments:
        found = layout.rows.get(assignment.key)
        if found is None:
            result.warnings.append(
                f"Raden för {words.item.one} {assignment.measure.number} ({assignment.report.title}) saknas "
                f"i {name}; värdena på den raden kunde inte läsas."
            )
            continue
        _row, cells = found
        for column in columns:
            if column.id in indexes:
                index = indexes[column.id]
                cell = cells[index] if index < len(cells) else None
                result.values.append(interpret(cell, column, assignment, words, repeated))
    for key in sorted(set(layout.duplicates) & expected):
        result.warnings.append(
            f"{words.item.title} {key} finns på flera rader i {name}; bara den första raden lästes."
        )
    for key in sorted(set(layout.rows) - expected):
        result.warnings.append(
            f"Raden med nyckeln {key} i {name} hör inte till nämndens {words.item.many} och lästes inte."
        )
    return result


def interpret(
    cell: Any,
    column: ExcelColumn,
    assignment: Assignment,
    words: Vocabulary = DEFAULT_WORDS,
    repeated: Collection[str] = (),
) -> ExtractedValue:
    """The typed value of one input cell, or a Swedish problem naming column and item (åtgärd),
    in the round's words; an item number in `repeated` is named with its group."""
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", "n")
    raw = _text(value)
    item = assignment.measure.number
    if item in repeated:
        item += f" ({words.group.one} {assignment.report.title})"
    where = f"i kolumnen {column.label} för {words.item.one} {item}"

    def result(typed: str | float | None, problem: str | None = None) -> ExtractedValue:
        return ExtractedValue(assignment.key, column.id, raw, typed, problem)

    if not raw.strip():
        return result(None)
    if data_type == "f" or (column.type != "text" and raw.lstrip().startswith("=")):
        return result(
            None, f"Cellen {where} innehåller en formel, som inte räknas ut; skriv värdet i stället."
        )
    if data_type == "e":
        return result(None, f"Cellen {where} innehåller felvärdet {raw}; skriv värdet i stället.")
    if column.type == "text":
        return result(raw.strip())
    if column.type == "choice":
        wanted = raw.strip().casefold()
        match = next((c for c in column.choices if c.strip().casefold() == wanted), None)
        if match is None:
            listed = ", ".join(column.choices)
            return result(None, f"Värdet '{raw.strip()}' {where} finns inte i listan ({listed}).")
        return result(match)
    number = _number(value)
    if number is None:
        return result(
            None,
            f"Värdet '{raw.strip()}' {where} är inte ett tal. Skriv bara siffror, t.ex. 1 200 eller 12,5.",
        )
    low = column.min if column.min is not None else -math.inf
    high = column.max if column.max is not None else math.inf
    if not low <= number <= high:
        bounds = _range_text(column)
        return result(
            None, f"Värdet '{raw.strip()}' {where} ligger utanför det tillåtna intervallet {bounds}."
        )
    return result(number)


def parse_swedish_number(text: str) -> float | None:
    """'12,5', '1 200', '1 200,5' (also with non-breaking spaces), '1.200,5' -> float; else None.

    '1.200' is refused: a Swede may mean 1200, Python would read 1.2.
    """
    text = _SPACES.sub(" ", text).strip().replace("\u2212", "-")
    if _DOT_GROUPED_COMMA.fullmatch(text):
        text = text.replace(".", "")
    elif _GROUPED.fullmatch(text):
        text = text.replace(" ", "")
    elif _DOT_GROUPED.fullmatch(text) or not _PLAIN.fullmatch(text):
        return None
    number = float(text.replace(",", "."))
    return number if math.isfinite(number) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        return parse_swedish_number(value)
    return None  # dates, times


def _range_text(column: ExcelColumn) -> str:
    if column.min is not None and column.max is not None:
        return f"{swedish_number(column.min)}–{swedish_number(column.max)}"
    if column.min is not None:
        return f"minst {swedish_number(column.min)}"
    return f"högst {swedish_number(column.max or 0)}"


def _text(value: Any) -> str:
    """A cell as the user left it, as text (formulas as their formula text)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    text = getattr(value, "text", None)  # ArrayFormula / DataTableFormula
    return text if isinstance(text, str) else str(value)


def _refuse_non_workbooks(package: zipfile.ZipFile, name: str) -> str:
    """The workbook's main part; macro-enabled workbooks are refused even when renamed to .xlsx."""
    macro = (
        f"{name} är en makroaktiverad arbetsbok (innehåller makron/VBA). Sådana filer tas inte emot "
        "av säkerhetsskäl. Spara filen som Excel-arbetsbok (.xlsx) och skicka den igen."
    )
    if any(n.rsplit("/", 1)[-1].lower() == "vbaproject.bin" for n in package.namelist()):
        raise RejectedFile(macro, code="macro")
    root = parse_untrusted(read_member(package, "[Content_Types].xml", name), "[Content_Types].xml")
    types = [(el.get("ContentType") or "").lower() for el in root]
    if any("macroenabled" in t or "vbaproject" in t for t in types):
        raise RejectedFile(macro, code="macro")
    main = [
        (el.get("PartName") or "").lstrip("/")
        for el, t in zip(root, types, strict=True)
        if "spreadsheetml.sheet.main" in t or "spreadsheetml.template.main" in t
    ]
    if not main:
        kind = "en Word-fil" if any("wordprocessingml" in t for t in types) else "inte en Excelfil"
        raise RejectedFile(
            f"{name} är {kind}, men ett Excelsvar (.xlsx) väntades. Skicka den ifyllda Excelfilen.",
            code="not-xlsx",
        )
    return main[0] or "xl/workbook.xml"
