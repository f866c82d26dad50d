"""Plain data passed between the documents layer and the rest: no python-docx objects leak out.

Answer fragments travel as XML text: a serialized `<w:sdtContent>` element (with its
namespace declarations) whose children are the answer's block-level content (w:p, w:tbl),
already cleaned: no content-control wrappers, no comments, tracked changes accepted.
Pictures and web links travel inside the fragment in remiss's namespace (word_media):
`<rm:image rm:type rm:cx rm:cy rm:descr>base64</rm:image>` in a run, and `rm:href` on a
`w:hyperlink`; no relationship id of the respondent's file survives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from remiss.domain.outcomes import AnswerStatus, FileKind
from remiss.domain.round import DEFAULT_WORDS, Vocabulary

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

    kind: FileKind
    properties: dict[str, str]
    reference: tuple[str, str, str] | None  # (round, organisation, token prefix) from the visible ref


# --- The compiled annex, as the annex writer receives it (already ordered) -------------


@dataclass(frozen=True)
class AnnexField:
    label: str  # e.g. "Kommentar"
    xml: str  # cleaned fragment; "" prints the round's missing text when the field is required
    required: bool = True  # an empty optional field prints nothing at all


@dataclass(frozen=True)
class AnnexMeasure:
    number: str
    title: str
    fields: list[AnnexField]
    description: str = ""  # printed under the åtgärd's heading (the round's annex.descriptions)


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
class MeasureAnswer:
    """One responsible organisation's answer to one åtgärd, in the per-åtgärd view."""

    organisation: str  # förvaltning as the annex prints it
    missing: bool  # no Word file from this organisation at all
    fields: list[AnnexField]


@dataclass(frozen=True)
class MeasureSection:
    number: str
    title: str
    description: str
    responsibility: str  # e.g. "Ansvarig: Kulturförvaltningen. Delansvar: stadsdelsnämnderna."
    answers: list[MeasureAnswer]


@dataclass(frozen=True)
class MeasureReport:
    """A delrapport in the per-åtgärd view (`remiss annex --by-measure`)."""

    title: str
    measures: list[MeasureSection]


@dataclass(frozen=True)
class AppendixRow:
    """One förvaltning in the annex's appendix: what came, when, and what is missing."""

    name: str
    status: AnswerStatus
    received: str = ""  # "2016-04-28", "" when nothing came
    late: bool = False  # a file came after the (possibly extended) deadline
    missing: list[str] = field(default_factory=list)  # "4.1.1 Kommentar", "Excelfilen har inte kommit in"
    versions: str = ""  # which file versions the annex used: "Word v2, Excel v1"


@dataclass(frozen=True)
class AppendixGroup:
    heading: str
    rows: list[AppendixRow]


@dataclass(frozen=True)
class AnnexDocument:
    """The annex: per organisation (`groups`), or per åtgärd when `by_measure` is given."""

    title: str
    diarienummer: str
    date: dt.date
    groups: list[AnnexGroup]
    missing_text: str = "Skrivning saknas."
    draft_stamp: str | None = None  # e.g. "Utkast 2016-04-20 14:05"; None for a final annex
    by_measure: list[MeasureReport] | None = None
    general: list[AnnexEntry] = field(default_factory=list)  # general comments, per-åtgärd view
    appendix: list[AppendixGroup] = field(default_factory=list)
    status_line: str = ""  # under the appendix heading: what the statuses are as of when
    words: Vocabulary = DEFAULT_WORDS  # the round's words in headings: "Delrapport: …", "4.1.1 Åtgärd: …"


# --- The compiled workbook (`remiss annex --xlsx`) --------------------------------------


@dataclass(frozen=True)
class WorkbookRow:
    """One organisation × åtgärd: every Word answer as plain text and every Excel value."""

    group: str
    organisation_id: str
    organisation: str
    status: str
    report: str
    number: str
    measure: str
    role: str
    answers: list[str]
    values: list[str | float | None]  # only values the Excel check accepted; refused ones are in problems
    problems: list[str] = field(default_factory=list)  # why a typed value was refused (Swedish)


@dataclass(frozen=True)
class CompiledWorkbook:
    title: str
    diarienummer: str
    word_labels: list[str]
    excel_labels: list[str]
    rows: list[WorkbookRow]
    general_label: str
    general: list[tuple[str, str, str, str]]  # (group, organisation id, förvaltning, plain text)
    words: Vocabulary = DEFAULT_WORDS
