"""The annex in the round's own words, and what it marks as missing (issue 14, items 9 and 10).

Built from AnnexDocument values (no store), read back with python-docx.
"""

from __future__ import annotations

import datetime as dt
import io

import docx
from openpyxl import load_workbook

from remiss.documents.annex.document import build_annex
from remiss.documents.annex.workbook import PROBLEMS, build_workbook
from remiss.documents.model import (
    AnnexDocument,
    AnnexEntry,
    AnnexField,
    AnnexGroup,
    AnnexMeasure,
    AnnexReport,
    CompiledWorkbook,
    MeasureAnswer,
    MeasureReport,
    MeasureSection,
    WorkbookRow,
)
from remiss.domain.round import Noun, Roles, Vocabulary

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
QUESTIONS = Vocabulary(
    item=Noun(singular="Fråga", plural="frågor"), group=Noun(singular="Avsnitt", plural="avsnitt")
)
GOALS = Vocabulary(
    item=Noun(singular="Mål", plural="mål"),
    group=Noun(singular="Målområde", plural="målområden"),
    roles=Roles(ansvarig="Huvudansvarig", delansvar="Medansvarig"),
)
ANSWER = (
    f'<w:sdtContent xmlns:w="{W}"><w:p><w:r><w:t>Nämnden instämmer i huvudsak.</w:t></w:r></w:p>'
    "</w:sdtContent>"
)
DESCRIPTION = "Färdplanen binder samman kommissionens förslag med Vision 2040."


def annex(words: Vocabulary = QUESTIONS, draft: str | None = None, **measure: object) -> AnnexDocument:
    fields = measure.pop(
        "fields", [AnnexField("Svar", ANSWER, required=True), AnnexField("Exempel", "", required=False)]
    )
    item = AnnexMeasure("1", "Hur ser nämnden på färdplanen?", fields, **measure)  # type: ignore[arg-type]
    entry = AnnexEntry("Bromma", missing=False, reports=[AnnexReport("Färdplanen som helhet", [item])])
    groups = [AnnexGroup("Stadsdelsförvaltningar", [entry, AnnexEntry("Farsta", missing=True)])]
    return AnnexDocument(
        "Färdplan", "KS 2018/1046", dt.date(2018, 12, 7), groups, words=words, draft_stamp=draft
    )


def paragraphs(doc: AnnexDocument) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in docx.Document(io.BytesIO(build_annex(doc))).paragraphs]


def test_headings_and_contents_use_the_rounds_words() -> None:
    found = paragraphs(annex())
    assert ("Heading 3", "Avsnitt: Färdplanen som helhet") in found
    assert ("Heading 4", "1 Fråga: Hur ser nämnden på färdplanen?") in found
    assert not [t for _, t in found if "Åtgärd" in t or "Delrapport" in t]


def test_description_is_printed_under_the_items_heading() -> None:
    texts = [t for _, t in paragraphs(annex(description=DESCRIPTION))]
    at = texts.index("1 Fråga: Hur ser nämnden på färdplanen?")
    assert texts[at + 1 : at + 3] == [DESCRIPTION, "Svar: Nämnden instämmer i huvudsak."]


def test_an_empty_optional_field_prints_nothing_and_a_required_one_the_missing_text() -> None:
    texts = [t for _, t in paragraphs(annex())]
    assert not [t for t in texts if t.startswith("Exempel")]
    assert texts.count("Skrivning saknas.") == 1  # Farsta, which sent nothing
    empty = [AnnexField("Svar", "", required=True), AnnexField("Exempel", "", required=False)]
    texts = [t for _, t in paragraphs(annex(fields=empty))]
    assert "Svar: Skrivning saknas." in texts and not [t for t in texts if t.startswith("Exempel")]


def test_an_item_with_only_empty_optional_fields_is_marked_once() -> None:
    empty = [AnnexField("Genomfört", "", required=False), AnnexField("Planerat", "", required=False)]
    texts = [t for _, t in paragraphs(annex(fields=empty))]
    at = texts.index("1 Fråga: Hur ser nämnden på färdplanen?")
    assert texts[at + 1] == "Skrivning saknas." and texts.count("Skrivning saknas.") == 2


def test_draft_mark_is_in_the_header_only_never_in_the_title_page_body() -> None:
    data = build_annex(annex(draft="Utkast 2018-12-07 12:00"))
    document = docx.Document(io.BytesIO(data))
    assert not [p.text for p in document.paragraphs if "UTKAST" in p.text.upper()]
    assert " ".join(p.text for p in document.sections[0].header.paragraphs) == "UTKAST – 2018-12-07 12:00"


def test_per_item_view_in_the_rounds_words() -> None:
    section = MeasureSection(
        "1.1",
        "Andelen arbetsplatser ska öka",
        "",
        "Huvudansvarig: Exploateringskontoret.",
        [MeasureAnswer("Exploateringskontoret", False, [AnnexField("Genomfört arbete", ANSWER)])],
    )
    nobody = MeasureSection("3.1", "Självförsörjning", "", "", [])
    doc = AnnexDocument(
        "Program",
        "KS 2016/1287",
        dt.date(2016, 10, 20),
        [],
        by_measure=[MeasureReport("Jobb och företagande", [section, nobody])],
        words=GOALS,
    )
    texts = [t for _, t in paragraphs(doc)]
    assert "Svaren per mål" in texts[:4]
    assert "Målområde: Jobb och företagande" in texts and "1.1 Mål: Andelen arbetsplatser ska öka" in texts
    assert "Ingen förvaltning har fått mål 3.1 i omgången." in texts


def test_workbook_lists_refused_values_in_their_own_column() -> None:
    row = WorkbookRow(
        "Stadsdelsförvaltningar", "farsta", "Farsta", "ofullständig", "Färdplanen som helhet", "1",
        "Hur ser nämnden på färdplanen?", "ansvarig", ["Nämnden instämmer."], [None, None, "Text"],
        problems=["Värdet 'många' i kolumnen Antal för fråga 1 är inte ett tal."],
    )  # fmt: skip
    book = CompiledWorkbook(
        "Färdplan", "KS 2018/1046", ["Svar"], ["Ställningstagande", "Antal", "Kommentar"], [row],
        "Sammanfattning", [], words=QUESTIONS,
    )  # fmt: skip
    sheet = load_workbook(io.BytesIO(build_workbook(book))).worksheets[0]
    assert sheet.title == "Svar per fråga"
    header = [c.value for c in sheet[1]]
    assert header[4:7] == ["Avsnitt", "Fråga", "Fråga (rubrik)"] and header[-1] == PROBLEMS
    values = dict(zip(header, (c.value for c in sheet[2]), strict=True))
    assert values["Antal"] is None and values["Kommentar"] == "Text"
    assert values[PROBLEMS] == "Värdet 'många' i kolumnen Antal för fråga 1 är inte ett tal."
