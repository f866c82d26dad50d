"""The Excel sheet a nämnd fills in: one row per åtgärd, one validated input column per field.

Reading never depends on titles or row order: a hidden column holds each row's measure_key
and a hidden row above the header holds each column's id (see `excel_reader.locate_layout`).

The package is written directly, part by part, mirroring what openpyxl 3.1 writes (inline
strings, the same styles, theme and part names): openpyxl took 11 ms for this sheet without
rows and 20 ms with 28 (~0.35 ms a row), this takes 1-2 ms, which matters at 1,000
organisations. It also means text can never turn into a formula: every value is an inline
string.
"""

from __future__ import annotations

import datetime as dt
import re
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter
from openpyxl.writer.theme import theme_xml

from remiss.documents.properties import CUSTOM_PART, custom_properties_xml
from remiss.documents.zipped import zip_parts
from remiss.domain.catalog import Organisation
from remiss.domain.round import Assignment, ExcelColumn, RoundDefinition, Vocabulary
from remiss.identity import FileIdentity

SHEET_NAME = "Svar"
LIST_SHEET_NAME = "Listor"
KEY_MARKER = "remiss:nyckel"  # in the hidden id row, above the hidden key column
TEXT_MAX_LENGTH = 2000
ID_ROW, HEADER_ROW, FIRST_DATA_ROW = 7, 8, 9
FIRST_INPUT_COLUMN = 6  # A key (hidden), B delrapport, C nummer, D åtgärd, E roll
# (id in the hidden row, header, width) of the read-only columns A-E; "remiss:" ids cannot
# clash with a round's column ids (those match ^[a-z][a-z0-9_]*$).
FIXED_COLUMNS = (
    (KEY_MARKER, "Nyckel", 18),
    ("remiss:delrapport", "{group}", 32),  # headers in the round's words (its vocabulary)
    ("remiss:nummer", "{item}", 9),
    ("remiss:atgard", "{item} (rubrik)", 48),
    ("remiss:roll", "Roll", 12),
)
NUMBER_DEFAULT_BOUNDS = (-1e15, 1e15)

# cellXfs indexes in _STYLES
S_TITLE, S_BOLD, S_REF, S_ITALIC, S_HEADER, S_FIXED, S_INPUT, S_INPUT_TEXT = range(1, 9)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_FONT = '<font>{}<sz val="{}"/><color {}/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
_FONTS = (("", 11, 'theme="1"'), ('<b val="1"/>', 14, 'theme="1"'), ('<b val="1"/>', 11, 'theme="1"'))
_FONTS += (("", 9, 'rgb="FF666666"'), ('<i val="1"/>', 11, 'theme="1"'))
_FILL = '<fill><patternFill patternType="solid"><fgColor rgb="{}"/><bgColor indexed="64"/></patternFill>'
_FILL += "</fill>"
_BORDER = '<{0} style="thin"><color rgb="FFA6A6A6"/></{0}>'
_WRAP = '<alignment vertical="top" wrapText="1"/>'
_OPEN = '<protection locked="0" hidden="0"/>'
_XF = '<xf numFmtId="{}" fontId="{}" fillId="{}" borderId="{}" xfId="0"{}>{}</xf>'
_XFS = (  # (numFmt, font, fill, border, apply flags, children), indexed by the S_* constants
    (0, 0, 0, 0, "", ""),
    (0, 1, 0, 0, "Font", ""),
    (0, 2, 0, 0, "Font", ""),
    (0, 3, 0, 0, "Font", ""),
    (0, 4, 0, 0, "Font", ""),
    (0, 2, 2, 1, "Font Fill Border Alignment", _WRAP),
    (0, 0, 0, 1, "Border Alignment", _WRAP),
    (0, 0, 3, 1, "Fill Border Alignment Protection", _WRAP + _OPEN),
    (49, 0, 3, 1, "NumberFormat Fill Border Alignment Protection", _WRAP + _OPEN),  # 49 = "@", text
)
_STYLES = (
    f'{_DECL}<styleSheet xmlns="{_MAIN}">'
    f'<fonts count="{len(_FONTS)}">{"".join(_FONT.format(*f) for f in _FONTS)}</fonts>'
    '<fills count="4"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>'
    f"{_FILL.format('FFD9D9D9')}{_FILL.format('FFFFF2CC')}</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    f"<border>{''.join(_BORDER.format(s) for s in ('left', 'right', 'top', 'bottom'))}<diagonal/></border>"
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_XFS)}">'
    + "".join(
        _XF.format(n, f, fi, b, "".join(f' apply{a}="1"' for a in apply.split()), children)
        for n, f, fi, b, apply, children in _XFS
    )
    + "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()


def build_response_xlsx(
    definition: RoundDefinition,
    org: Organisation,
    assignments: list[Assignment],
    identity: FileIdentity,
) -> bytes:
    """The workbook issued to one organisation, stamped with its identity (properties + cell)."""
    columns = definition.fields.excel
    lists: list[list[str]] = []  # choice lists too long or with commas, kept on a hidden sheet
    rows = _title_rows(definition, org, identity, columns, bool(assignments))
    validations = ""
    if assignments:
        rows.append(_id_row(columns))
        rows.append(_header_row(columns, definition.vocabulary))
        words = definition.vocabulary
        rows += [_data_row(FIRST_DATA_ROW + i, a, columns, words) for i, a in enumerate(assignments)]
        last = FIRST_DATA_ROW + len(assignments) - 1
        if columns:  # the schema wants at least one dataValidation inside dataValidations
            items = "".join(_validation(c, i, last, lists) for i, c in _inputs(columns))
            validations = f'<dataValidations count="{len(columns)}">{items}</dataValidations>'
    last_row = FIRST_DATA_ROW + len(assignments) - 1 if assignments else 6
    sheet = _sheet_xml(columns, "".join(rows), validations, last_row)

    parts: dict[str, bytes] = {
        "[Content_Types].xml": _content_types(bool(lists)),
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _APP,
        "docProps/core.xml": _core(definition),
        CUSTOM_PART: custom_properties_xml(identity.as_properties()),
        "xl/workbook.xml": _workbook(bool(lists)),
        "xl/_rels/workbook.xml.rels": _workbook_rels(bool(lists)),
        "xl/styles.xml": _STYLES,
        "xl/theme/theme1.xml": _THEME,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if lists:
        parts["xl/worksheets/sheet2.xml"] = _list_sheet(lists)
    return zip_parts(parts)


def _inputs(columns: list[ExcelColumn]) -> list[tuple[int, ExcelColumn]]:
    return list(enumerate(columns, start=FIRST_INPUT_COLUMN))


def _x(text: str) -> str:
    """Element text: escaped, characters XML forbids dropped (openpyxl would raise instead)."""
    return escape(_ILLEGAL_XML.sub("", text))


def _attr(text: str) -> str:
    return escape(_ILLEGAL_XML.sub("", text), {'"': "&quot;", "\n": "&#10;", "\r": "", "\t": "&#9;"})


def _text_cell(column: int, row: int, text: str, style: int = 0) -> str:
    """An inline string: never a formula, whatever the text starts with."""
    s = f' s="{style}"' if style else ""
    ref = f"{get_column_letter(column)}{row}"
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_x(text)}</t></is></c>'


def _title_rows(
    definition: RoundDefinition,
    org: Organisation,
    identity: FileIdentity,
    columns: list[ExcelColumn],
    has_rows: bool,
) -> list[str]:
    """Rows 1-6: round, diarienummer, nämnd, deadline, visible reference, instruction."""
    words = definition.vocabulary
    if not has_rows:
        line = (
            f"{org.namnd} har inga {words.item.many} att besvara i Excelfilen i denna remiss; "
            "här finns inget att fylla i."
        )
    else:
        required = [c.label for c in columns if c.required]
        line = (
            f"Fyll i de gula cellerna, en rad per {words.item.one}; välj ur listan där det finns en. "
            + (f"Kolumner märkta med * ska fyllas i: {', '.join(required)}. " if required else "")
            + "Övriga celler är låsta. Spara som .xlsx och skicka tillbaka filen."
        )
    lines = (
        (definition.title, S_TITLE),
        (f"Diarienummer: {definition.diarienummer}", 0),
        (f"Nämnd: {org.namnd}", S_BOLD),
        (f"Sista svarsdag: {definition.deadline.isoformat()}", S_BOLD),
        (f"Referens (ändra inte): {identity.reference}", S_REF),
        (line, S_ITALIC),
    )
    return [f'<row r="{r}">{_text_cell(2, r, text, style)}</row>' for r, (text, style) in enumerate(lines, 1)]


def _id_row(columns: list[ExcelColumn]) -> str:
    ids = [c[0] for c in FIXED_COLUMNS] + [c.id for c in columns]
    cells = "".join(_text_cell(i, ID_ROW, v) for i, v in enumerate(ids, start=1))
    return f'<row r="{ID_ROW}" hidden="1">{cells}</row>'


def _header_row(columns: list[ExcelColumn], words: Vocabulary) -> str:
    fixed = [c[1].format(group=words.group.title, item=words.item.title) for c in FIXED_COLUMNS]
    labels = fixed + [c.label + (" *" if c.required else "") for c in columns]
    cells = "".join(_text_cell(i, HEADER_ROW, v, S_HEADER) for i, v in enumerate(labels, start=1))
    return f'<row r="{HEADER_ROW}">{cells}</row>'


def _data_row(row: int, assignment: Assignment, columns: list[ExcelColumn], words: Vocabulary) -> str:
    fixed = (
        assignment.key,
        assignment.report.title,
        assignment.measure.number,
        assignment.measure.title,
        words.roles.of(assignment.role),
    )
    cells = [_text_cell(i, row, v, S_FIXED) for i, v in enumerate(fixed, start=1)]
    for index, column in _inputs(columns):
        # Text format on text columns: what is typed stays text, "=..." never becomes a formula.
        style = S_INPUT_TEXT if column.type == "text" else S_INPUT
        cells.append(f'<c r="{get_column_letter(index)}{row}" s="{style}"/>')
    return f'<row r="{row}">{"".join(cells)}</row>'


def _validation(column: ExcelColumn, index: int, last: int, lists: list[list[str]]) -> str:
    letter = get_column_letter(index)
    attrs = {
        "allowBlank": "1",
        "showErrorMessage": "1",
        "errorStyle": "stop",
        "errorTitle": _clip(f"Ogiltigt värde i {column.label}", 32),
    }
    if column.help:
        attrs |= {"showInputMessage": "1", "promptTitle": _clip(column.label, 32)}
        attrs["prompt"] = _clip(column.help)
    if column.type == "choice":
        # No showDropDown attribute: OOXML's showDropDown="1" would *hide* the arrow.
        error = f"Välj ett av värdena i listan: {', '.join(column.choices)}."
        attrs |= {"type": "list", "error": _clip(error)}
        formulas = (_list_source(column.choices, lists),)
    elif column.type == "number":
        low, high = _bounds(column)
        error = f"Skriv ett tal mellan {swedish_number(low)} och {swedish_number(high)}, utan enhet."
        attrs |= {"type": "decimal", "operator": "between", "error": _clip(error)}
        formulas = (_number(low), _number(high))
    else:
        error = f"Texten får vara högst {TEXT_MAX_LENGTH} tecken lång."
        attrs |= {"type": "textLength", "operator": "lessThanOrEqual", "error": error}
        formulas = (str(TEXT_MAX_LENGTH),)
    attrs["sqref"] = f"{letter}{FIRST_DATA_ROW}:{letter}{last}"
    attr_xml = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
    formula_xml = "".join(f"<formula{n}>{_x(f)}</formula{n}>" for n, f in enumerate(formulas, start=1))
    return f"<dataValidation{attr_xml}>{formula_xml}</dataValidation>"


def _list_source(choices: list[str], lists: list[list[str]]) -> str:
    """An inline list when Excel allows one (no commas, ≤ 255 characters), else a hidden sheet."""
    inline = ",".join(c.replace('"', '""') for c in choices)
    if not any("," in c for c in choices) and len(inline) <= 250:
        return f'"{inline}"'
    lists.append(choices)
    letter = get_column_letter(len(lists))
    return f"{LIST_SHEET_NAME}!${letter}$1:${letter}${len(choices)}"


def _bounds(column: ExcelColumn) -> tuple[float, float]:
    low, high = NUMBER_DEFAULT_BOUNDS
    return (low if column.min is None else column.min, high if column.max is None else column.max)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def swedish_number(value: float) -> str:
    """10000000 -> '10 000 000', 12.5 -> '12,5': numbers as people here write them."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return text.replace(",", " ").replace(".", ",")


def _clip(text: str, limit: int = 255) -> str:
    """Excel refuses validation titles over 32 and messages over 255 characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _input_width(column: ExcelColumn) -> float:
    if column.type == "choice":
        return max(16, min(40, max(len(c) for c in column.choices) + 4, len(column.label) + 2))
    if column.type == "number":
        return max(14, min(24, len(column.label) + 2))
    return 50


def _sheet_xml(columns: list[ExcelColumn], rows: str, validations: str, last_row: int) -> bytes:
    widths = [(i, w, i == 1) for i, (_id, _label, w) in enumerate(FIXED_COLUMNS, start=1)]
    widths += [(i, _input_width(c), False) for i, c in _inputs(columns)]
    hidden = ' hidden="1"'
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"{hidden if h else ""}/>' for i, w, h in widths
    )
    last_col = get_column_letter(len(widths))
    first_input = f"{get_column_letter(FIRST_INPUT_COLUMN)}{FIRST_DATA_ROW}"
    return (
        f'{_DECL}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{last_col}{last_row}"/>'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        f'<pane ySplit="{HEADER_ROW}" topLeftCell="A{FIRST_DATA_ROW}" activePane="bottomLeft" '
        'state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="{first_input}" sqref="{first_input}"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{cols}</cols><sheetData>{rows}</sheetData>"
        # Protected, no password; people may still widen columns and rows to read long texts.
        '<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0"/>'
        f"{validations}"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape"/>'
        "</worksheet>"
    ).encode()


def _list_sheet(lists: list[list[str]]) -> bytes:
    longest = max(len(choices) for choices in lists)
    rows = []
    for r in range(1, longest + 1):
        cells = "".join(_text_cell(c, r, ch[r - 1]) for c, ch in enumerate(lists, start=1) if r <= len(ch))
        rows.append(f'<row r="{r}">{cells}</row>')
    return (
        f'{_DECL}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><sheetData>{"".join(rows)}</sheetData>'
        '<sheetProtection sheet="1" objects="1" scenarios="1"/></worksheet>'
    ).encode()


def _content_types(with_lists: bool) -> bytes:
    overrides = {
        "/xl/workbook.xml": f"{_CT}.spreadsheetml.sheet.main+xml",
        "/xl/worksheets/sheet1.xml": f"{_CT}.spreadsheetml.worksheet+xml",
        "/xl/styles.xml": f"{_CT}.spreadsheetml.styles+xml",
        "/xl/theme/theme1.xml": f"{_CT}.theme+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": f"{_CT}.extended-properties+xml",
        "/docProps/custom.xml": f"{_CT}.custom-properties+xml",
    }
    if with_lists:
        overrides["/xl/worksheets/sheet2.xml"] = f"{_CT}.spreadsheetml.worksheet+xml"
    items = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
    return (
        f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>'
    ).encode()


def _rels(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{t}" Target="{target}"/>' for n, (t, target) in enumerate(items, 1)
    )
    return f'{_DECL}<Relationships xmlns="{_PKG_REL}">{body}</Relationships>'.encode()


_ROOT_RELS = _rels(
    [
        (f"{_REL}/officeDocument", "xl/workbook.xml"),
        (f"{_PKG_REL}/metadata/core-properties", "docProps/core.xml"),
        (f"{_REL}/extended-properties", "docProps/app.xml"),
        (f"{_REL}/custom-properties", "docProps/custom.xml"),
    ]
)
_APP = (
    f'{_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity></Properties>"
).encode()
_THEME = theme_xml.encode()


def _workbook_rels(with_lists: bool) -> bytes:
    items = [(f"{_REL}/worksheet", "worksheets/sheet1.xml")]
    if with_lists:
        items.append((f"{_REL}/worksheet", "worksheets/sheet2.xml"))
    items += [(f"{_REL}/styles", "styles.xml"), (f"{_REL}/theme", "theme/theme1.xml")]
    return _rels(items)


def _workbook(with_lists: bool) -> bytes:
    sheets = f'<sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/>'
    if with_lists:
        sheets += f'<sheet name="{LIST_SHEET_NAME}" sheetId="2" state="hidden" r:id="rId2"/>'
    return (
        f'{_DECL}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets>{sheets}</sheets><calcPr calcId="191029"/></workbook>'
    ).encode()


def _core(definition: RoundDefinition) -> bytes:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = f'xsi:type="dcterms:W3CDTF">{now}'
    return (
        f"{_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_x(definition.title)}</dc:title><dc:creator>{_x(definition.sender)}</dc:creator>"
        f"<dcterms:created {stamp}</dcterms:created><dcterms:modified {stamp}</dcterms:modified>"
        "</cp:coreProperties>"
    ).encode()
