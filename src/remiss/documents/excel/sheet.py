"""A returned workbook's cells, read straight from its XML as openpyxl's read-only mode gives them.

openpyxl's `load_workbook` builds the whole workbook model (stylesheet objects, theme,
defined names, every sheet's properties) before the first cell is read: ~30 ms for a
response sheet, the largest single cost of collecting a file. The reader needs much less:
the workbook's sheet list, the shared strings, which cell styles are dates, and the rows.
This module reads exactly that with lxml, every part through `parse_untrusted` (no
DOCTYPE, no entities, no network) and inflated through `read_member` (bounded by the
package checks), in a few milliseconds.

Each cell gets the value and data type openpyxl (data_only=False) would give it, using
openpyxl's own helpers for the fiddly parts: numbers as int or float, shared, inline and
rich strings as plain text, booleans, error values, date-formatted numbers as datetimes
(1900 or 1904 calendar), ISO dates, and formulas as their text (shared formulas
translated, array formulas as ArrayFormula), never evaluated. Rows come as openpyxl's
read-only `iter_rows()` yields them after `reset_dimensions()`: numbered from 1, a missing
row as an empty tuple, each row padded with empty cells up to its last cell.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree
from openpyxl.formula.translate import Translator
from openpyxl.styles.numbers import builtin_format_code, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from remiss.documents.package import read_member
from remiss.documents.xmlsafe import parse_untrusted
from remiss.errors import RejectedFile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHARED_STRINGS = f"{REL}/sharedStrings"
_STYLES = f"{REL}/styles"
_ROW, _C, _V, _F, _IS, _T, _R, _SI = (f"{{{MAIN}}}{t}" for t in ("row", "c", "v", "f", "is", "t", "r", "si"))


@dataclass(frozen=True, slots=True)
class Cell:
    """What the reader looks at: `value` and `data_type` (n, s, b, e, d, f), as openpyxl has them."""

    value: Any = None
    data_type: str = "n"


EMPTY = Cell()


class Sheet:
    """One worksheet: its title and rows (see the module docstring for their shape)."""

    def __init__(self, title: str, root: etree._Element, book: _Book) -> None:
        self.title = title
        self._root = root
        self._book = book

    def iter_rows(self) -> Iterator[tuple[Cell, ...]]:
        counter = 1
        row_number = 0
        shared: dict[str, Translator] = {}
        for row in self._root.iter(_ROW):
            number = row.get("r")
            row_number = _row_number(number) if number is not None else row_number + 1
            cells = self._cells(row, row_number, shared)
            while counter < row_number:
                counter += 1
                yield ()
            if counter <= row_number:
                counter += 1
                yield cells

    def _cells(self, row: etree._Element, row_number: int, shared: dict[str, Translator]) -> tuple[Cell, ...]:
        placed: list[tuple[int, Cell]] = []
        column = 0
        for c in row.iterchildren(_C):
            reference = c.get("r")
            if reference:
                column = _column(reference)
            else:
                column += 1
            placed.append((column, self._book.cell(c, reference, shared)))
        if not placed:
            return ()
        width = placed[-1][0]
        out = [EMPTY] * width
        for index, cell in placed:
            if 1 <= index <= width:
                out[index - 1] = cell
        return tuple(out)


class _Book:
    """What every cell needs from the workbook: strings, date styles, calendar."""

    def __init__(self, strings: list[str], dates: set[int], timedeltas: set[int], epoch: Any) -> None:
        self.strings = strings
        self.dates = dates
        self.timedeltas = timedeltas
        self.epoch = epoch

    def cell(self, c: etree._Element, reference: str | None, shared: dict[str, Translator]) -> Cell:
        data_type = c.get("t", "n")
        value_element = formula = inline = None
        for child in c:  # one pass over <v>, <f>, <is> (first of each, as find() would)
            tag = child.tag
            if tag == _V:
                value_element = child if value_element is None else value_element
            elif tag == _F:
                formula = child if formula is None else formula
            elif tag == _IS:
                inline = child if inline is None else inline
        if formula is not None:
            return Cell(_formula(formula, reference, shared), "f")
        if data_type == "inlineStr":
            return Cell(_text(inline), "s") if inline is not None else Cell(None, "inlineStr")
        value: Any = (value_element.text if value_element is not None else None) or None
        if value is None:
            return Cell(None, data_type)
        if data_type == "n":
            value = _number(value)
            style = int(c.get("s") or 0)
            if style in self.dates:
                try:
                    return Cell(from_excel(value, self.epoch, timedelta=style in self.timedeltas), "d")
                except (OverflowError, ValueError):
                    return Cell("#VALUE!", "e")
            return Cell(value, "n")
        if data_type == "s":
            return Cell(self.strings[int(value)], "s")
        if data_type == "b":
            return Cell(bool(int(value)), "b")
        if data_type == "str":
            return Cell(value, "s")
        if data_type == "d":
            return Cell(from_ISO8601(value), "d")
        return Cell(value, data_type)


def read_sheets(package: zipfile.ZipFile, name: str, workbook_part: str) -> list[Sheet]:
    """The workbook's worksheets (not chart sheets), in workbook order; RejectedFile if unreadable.

    `workbook_part` is the main part's name without a leading slash, e.g. "xl/workbook.xml".
    """
    try:
        workbook = _parse(package, workbook_part, name)
        rels = _relationships(package, workbook_part, name)
        members = set(package.namelist())
        strings_part = next(
            (t for t, kind in rels.values() if kind == _SHARED_STRINGS), "xl/sharedStrings.xml"
        )
        styles_part = next((t for t, kind in rels.values() if kind == _STYLES), "xl/styles.xml")
        strings = _shared_strings(_parse(package, strings_part, name)) if strings_part in members else []
        dates, timedeltas = (
            _date_styles(_parse(package, styles_part, name)) if styles_part in members else (set(), set())
        )
        properties = workbook.find(f"{{{MAIN}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904") in ("1", "true")
        book = _Book(strings, dates, timedeltas, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        sheets = []
        for sheet in workbook.iter(f"{{{MAIN}}}sheet"):
            target, kind = rels.get(sheet.get(f"{{{REL}}}id") or "", ("", ""))
            if target in members and "chartsheet" not in kind:  # as openpyxl: other targets are skipped
                sheets.append(Sheet(sheet.get("name") or "", _parse(package, target, name), book))
        return sheets
    except RejectedFile as refusal:
        if refusal.code == "xml-doctype" or name in refusal.reason:
            raise
        raise _corrupt(name, refusal.reason) from None
    except (ValueError, IndexError, KeyError, TypeError, OverflowError) as exc:
        raise _corrupt(name, type(exc).__name__) from None


def _corrupt(name: str, detail: str) -> RejectedFile:
    return RejectedFile(
        f"{name} kunde inte läsas som Excelfil ({detail}). "
        "Öppna filen, spara den på nytt som Excel-arbetsbok (.xlsx) och skicka den igen.",
        code="corrupt",
    )


def _parse(package: zipfile.ZipFile, part: str | None, name: str) -> etree._Element:
    if not part:
        raise _corrupt(name, "delen saknas")
    try:
        return parse_untrusted(read_member(package, part, name), part)
    except RejectedFile as refusal:
        if refusal.code == "xml-doctype":
            raise RejectedFile(f"{name}: {refusal.reason}", code=refusal.code) from None
        raise


def _relationships(package: zipfile.ZipFile, part: str, name: str) -> dict[str, tuple[str, str]]:
    """rId -> (target part name, relationship type) for the relationships of `part`."""
    folder, file_name = posixpath.split(part)
    rels_part = posixpath.join(folder, "_rels", f"{file_name}.rels")
    if rels_part not in package.namelist():
        return {}
    found = {}
    for rel in _parse(package, rels_part, name).iter(f"{{{PKG_REL}}}Relationship"):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        found[rel.get("Id") or ""] = (resolved, rel.get("Type") or "")
    return found


def _shared_strings(root: etree._Element) -> list[str]:
    return [_text(si).replace("x005F_", "") for si in root.iter(_SI)]


def _text(item: etree._Element) -> str:
    """A string item's text without formatting or phonetic runs, as openpyxl's Text.content."""
    parts = [t.text or "" for t in item.iterchildren(_T)]
    parts += [t.text or "" for r in item.iterchildren(_R) for t in r.iterchildren(_T)]
    return "".join(parts)


def _date_styles(root: etree._Element) -> tuple[set[int], set[int]]:
    """Indexes of cell styles whose number format shows a date/time (and those showing a duration)."""
    custom = {
        int(fmt.get("numFmtId") or -1): fmt.get("formatCode")
        for fmt in root.iterfind(f"{{{MAIN}}}numFmts/{{{MAIN}}}numFmt")
    }
    dates, timedeltas = set(), set()
    for index, xf in enumerate(root.iterfind(f"{{{MAIN}}}cellXfs/{{{MAIN}}}xf")):
        number_format = int(xf.get("numFmtId") or 0)
        code = custom[number_format] if number_format in custom else builtin_format_code(number_format)
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            timedeltas.add(index)
    return dates, timedeltas


@lru_cache(maxsize=4096)
def _column(reference: str) -> int:
    """The column of a cell reference such as "H12" (validated as openpyxl does)."""
    return coordinate_to_tuple(reference)[1]


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        value = float(text)
        if not value.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(value)


def _number(text: str) -> int | float:
    """As openpyxl's _cast_number: an int unless the text has a point or an exponent."""
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _formula(formula: etree._Element, reference: str | None, shared: dict[str, Translator]) -> Any:
    value = "=" + (formula.text or "")
    kind = formula.get("t")
    if kind == "array":
        return ArrayFormula(ref=formula.get("ref"), text=value)
    if kind == "shared":
        index = formula.get("si")
        if index in shared:
            return shared[index].translate_formula(reference)
        if value != "=":
            shared[index] = Translator(value, reference)
    elif kind == "dataTable":
        return DataTableFormula(**formula.attrib)
    return value
