"""Turning extracted answers into rows, and describing stored files to people."""

from __future__ import annotations

from remiss.documents.model import Extracted
from remiss.store.schema import AnswerRow, ReceivedFileRow, ValueRow


def answer_rows(file_id: int, extracted: Extracted) -> list[AnswerRow | ValueRow]:
    rows: list[AnswerRow | ValueRow] = [
        AnswerRow(
            file_id=file_id,
            measure_key=a.measure_key,
            field_id=a.field_id,
            text=a.text,
            xml=a.xml,
            empty=a.empty,
            found_by=a.found_by,
        )
        for a in extracted.answers
    ]
    rows += [
        ValueRow(
            file_id=file_id,
            measure_key=v.measure_key,
            column_id=v.column_id,
            raw=v.raw,
            value_text=v.value if isinstance(v.value, str) else None,
            value_number=v.value if isinstance(v.value, float | int) else None,
            problem=v.problem,
        )
        for v in extracted.values
    ]
    return rows


def describe_duplicate(earlier: ReceivedFileRow) -> str:
    when = earlier.received_at.strftime("%Y-%m-%d %H:%M")
    if earlier.status == "rejected":
        return f"Samma fil som {earlier.original_name}, som avvisades {when}: {earlier.reason}"
    return f"Samma fil som {earlier.original_name}, mottagen {when} (version {earlier.version})."
