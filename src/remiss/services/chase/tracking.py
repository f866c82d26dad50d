"""The tracking workbook (bevakningslista): `remiss status ROUND --xlsx FILE`.

One row per organisation with what the status table shows. Every text that came from
outside (file names as sent, answer labels, organisation names) is written as a text
cell, never a formula: a file called "=HYPERLINK(…).docx" stays that string.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from remiss.domain import RoundDefinition
from remiss.domain.calendar import STOCKHOLM
from remiss.domain.outcomes import AnswerStatus
from remiss.services.files import write_atomic
from remiss.services.status import OrganisationStatus, count_line

FILLS = {AnswerStatus.MISSING: "F4CCCC", AnswerStatus.INCOMPLETE: "FFF2CC", AnswerStatus.COMPLETE: "D9EAD3"}
COLUMNS = (  # header, width
    ("Förvaltning", 34),
    ("Id", 16),
    ("Grupp", 20),
    ("Status", 14),
    ("Sen", 6),
    ("Sista svarsdag", 14),
    ("Anstånd till", 14),
    ("Först mottagen", 17),
    ("Senaste fil", 36),
    ("Versioner", 10),
    ("Påminnelser", 12),
    ("Senaste påminnelse", 18),
    ("Tomma eller felaktiga svar", 70),
)
HEADER_ROW = 4


def write_tracking_workbook(
    path: Path, definition: RoundDefinition, rows: Sequence[OrganisationStatus], today: dt.date
) -> Path:
    """Write the workbook atomically; returns `path`."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Bevakningslista"
    _text(sheet.cell(1, 1), f"Bevakningslista – {definition.title}")
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    _text(
        sheet.cell(2, 1),
        f"Dnr {definition.diarienummer} · sista svarsdag {definition.deadline.isoformat()} · "
        f"utdrag {today.isoformat()} · {_summary(rows)}",
    )
    for col, (header, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col)
        _text(cell, header)
        cell.font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(col)].width = width
    for offset, row in enumerate(rows, start=1):
        _write_row(sheet, HEADER_ROW + offset, definition, row, today)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 2)
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(rows)}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_atomic(path, buffer.getvalue())
    return path


def summary_rows(rows: Sequence[OrganisationStatus]) -> list[dict[str, object]]:
    """The status as a table with Swedish headers (the Prefect artifact of each chase run)."""
    return [
        {
            "Förvaltning": row.name,
            "Status": row.status.label,
            "Sen": "ja" if row.late else "nej",
            "Senaste fil": row.last_file or "–",
            "Påminnelser": row.reminders,
            "Senaste påminnelse": row.last_reminder or "–",
            "Anstånd till": row.extension or "–",
            "Tomma eller felaktiga svar": len(row.empty) + len(row.problems),
        }
        for row in rows
    ]


def _late(row: OrganisationStatus, deadline: dt.date, today: dt.date) -> str:
    """'ja' for a file that came late; a missing answer is not late, but says its day has passed."""
    if row.late:
        return "ja"
    if row.status is AnswerStatus.MISSING and today > deadline:
        return "saknas, sista svarsdag passerad"
    return "nej"


def _write_row(
    sheet: Any, r: int, definition: RoundDefinition, row: OrganisationStatus, today: dt.date
) -> None:
    gaps = row.empty + row.problems
    values: list[object] = [
        row.name,
        row.organisation,
        row.group.label,
        row.status.label,
        _late(row, _date(row.extension) or definition.deadline, today),
        _date(row.extension) or definition.deadline,
        _date(row.extension),
        _datetime(row.received),
        row.last_file,
        row.versions,
        row.reminders,
        _date(row.last_reminder),
        "\n".join(gaps),
    ]
    for col, value in enumerate(values, start=1):
        cell = sheet.cell(r, col)
        if isinstance(value, str):
            _text(cell, value)
        else:
            cell.value = value
        if isinstance(value, dt.datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        cell.alignment = Alignment(vertical="top", wrap_text=col == len(values))
    sheet.cell(r, 4).fill = PatternFill("solid", fgColor=FILLS[row.status])


def _text(cell: Cell, value: str) -> None:
    """A string cell whatever the string looks like: never a formula, never a number."""
    cell.value = value
    cell.data_type = "s"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _datetime(value: str | None) -> dt.datetime | None:
    """Stockholm wall-clock time (Excel has no time zones); naive input is taken as UTC."""
    if not value:
        return None
    moment = dt.datetime.fromisoformat(value)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(STOCKHOLM).replace(tzinfo=None)


def _summary(rows: Sequence[OrganisationStatus]) -> str:
    return count_line(rows)
