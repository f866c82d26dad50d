"""Turning extracted answers into rows, and describing stored files to people."""

from __future__ import annotations

from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import Session

from remiss.documents.model import Extracted
from remiss.domain.calendar import local_clock
from remiss.domain.outcomes import FileState
from remiss.store.schema import AnswerRow, ReceivedFileRow, ValueRow


def insert_answers(session: Session, files: list[tuple[int, Extracted]]) -> None:
    """All answers and values of these stored files, as two executemany inserts.

    Core inserts on the table: a file has dozens of answers and a batch hundreds, and the
    ORM's per-row bookkeeping would cost more than the database does.
    """
    answers = [
        {
            "file_id": file_id,
            "measure_key": a.measure_key,
            "field_id": a.field_id,
            "text": a.text,
            "xml": a.xml,
            "empty": a.empty,
            "found_by": a.found_by,
        }
        for file_id, extracted in files
        for a in extracted.answers
    ]
    values = [
        {
            "file_id": file_id,
            "measure_key": v.measure_key,
            "column_id": v.column_id,
            "raw": v.raw,
            "value_text": v.value if isinstance(v.value, str) else None,
            "value_number": v.value if isinstance(v.value, float | int) else None,
            "problem": v.problem,
        }
        for file_id, extracted in files
        for v in extracted.values
    ]
    if answers:
        session.execute(insert(AnswerRow.__table__), answers)
    if values:
        session.execute(insert(ValueRow.__table__), values)


def describe_duplicate(earlier: ReceivedFileRow) -> str:
    from remiss.services.files import display_name

    when = local_clock(earlier.received_at)
    name = display_name(earlier.original_name)
    if earlier.status == FileState.REJECTED:
        return f"Samma fil som {name}, som avvisades {when}: {earlier.reason}"
    if earlier.status == FileState.WITHDRAWN:
        return f"Samma fil som {name}, mottagen {when} och tillbakadragen; den räknas inte."
    return f"Samma fil som {name}, mottagen {when} (version {earlier.version})."


def has_answers(session: Session, file_id: int) -> bool:
    """Whether a stored file holds at least one filled Word answer or typed Excel value."""
    word = exists().where(AnswerRow.file_id == file_id, AnswerRow.empty.is_(False))
    excel = exists().where(ValueRow.file_id == file_id, func.trim(ValueRow.raw) != "")
    return bool(session.scalar(select(word | excel)))
