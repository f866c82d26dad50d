"""Plain data passed between the documents layer and the rest: no python-docx objects leak out.

Answer fragments travel as XML text: a serialized `<w:sdtContent>` element (with its
namespace declarations) whose children are the answer's block-level content (w:p, w:tbl),
already cleaned: no content-control wrappers, no comments, tracked changes accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

GENERAL = "general"  # measure_key of the general comment


@dataclass(frozen=True)
class ExtractedAnswer:
    """One Word answer field of a returned file."""

    measure_key: str  # e.g. "samverkan/4.1.1", or GENERAL
    field_id: str
    text: str  # plain text, paragraphs joined by "\n"
    xml: str  # cleaned <w:sdtContent> fragment; "" when empty
    empty: bool
    found_by: Literal["tag", "alias", "heading"] = "tag"


@dataclass(frozen=True)
class ExtractedValue:
    """One Excel cell of a returned sheet, checked against its column's type and list."""

    measure_key: str
    column_id: str
    raw: str  # the cell as the user left it, as text
    value: str | float | None  # typed value; None when empty or invalid
    problem: str | None = None  # Swedish message when the value is invalid


@dataclass
class Extracted:
    """Everything read from one returned file."""

    answers: list[ExtractedAnswer] = field(default_factory=list)
    values: list[ExtractedValue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    """What a file says about who sent it, before anything is trusted."""

    kind: Literal["docx", "xlsx"]
    properties: dict[str, str]
    reference: tuple[str, str, str] | None  # (round, organisation, token prefix) from the visible ref


# --- The compiled annex, as the annex writer receives it (already ordered) -------------


@dataclass(frozen=True)
class AnnexField:
    label: str  # e.g. "Kommentar"
    xml: str  # cleaned fragment; "" prints the round's missing text


@dataclass(frozen=True)
class AnnexMeasure:
    number: str
    title: str
    fields: list[AnnexField]


@dataclass(frozen=True)
class AnnexReport:
    title: str
    measures: list[AnnexMeasure]


@dataclass(frozen=True)
class AnnexEntry:
    """One förvaltning: missing (no file at all), or its general comment and answers."""

    name: str
    missing: bool
    general: AnnexField | None = None
    reports: list[AnnexReport] = field(default_factory=list)


@dataclass(frozen=True)
class AnnexGroup:
    heading: str  # Fackförvaltningar, Stadsdelsförvaltningar, Bolag
    entries: list[AnnexEntry]


@dataclass(frozen=True)
class AnnexDocument:
    title: str
    diarienummer: str
    date: dt.date
    groups: list[AnnexGroup]
    missing_text: str = "Skrivning saknas."
    draft_stamp: str | None = None  # e.g. "Utkast 2016-04-20 14:05"; None for a final annex
