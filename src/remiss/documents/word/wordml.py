"""WordprocessingML builders and names shared by the template writer, the reader and the filler.

python-docx has no content-control API, and its paragraph API looks styles up by name
(slow at 1,000 documents per launch), so body content is built as plain lxml elements
with style ids set directly. Tags and aliases are defined here once, because the reader
must find exactly what the writer wrote.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

from lxml import etree

from remiss.documents.ooxml import w
from remiss.domain.round import DEFAULT_WORDS, Measure, Report, RoundDefinition, Vocabulary, WordField

TAG_PREFIX = "remiss:"

# Style ids of the built-in styles the template uses (present in python-docx's default
# template; Word keeps these ids whatever the UI language).
STYLE_TITLE = "Title"
STYLE_HEADING_1 = "Heading1"
STYLE_HEADING_2 = "Heading2"
STYLE_NO_SPACING = "NoSpacing"
STYLE_LIST_BULLET = "ListBullet"
STYLE_LIST_NUMBER = "ListNumber"
STYLE_PLACEHOLDER = "PlaceholderText"
PLACEHOLDER_STYLE_NAME = "Placeholder Text"

# Headings in the round's own words (its vocabulary): "Delrapport: …" and "4.1.1 Åtgärd: …"
# for the bundled round, "Avsnitt: …" and "2 Fråga: …" for a remiss of questions.
REPORT_HEADING_START = "{group}: "
MEASURE_HEADING_START = "{number} {item}"

_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


# --- names ---------------------------------------------------------------------------


def field_tag(key: str, field_id: str) -> str:
    """The w:tag of one answer field, e.g. 'remiss:samverkan/4.1.1:kommentar'."""
    return f"{TAG_PREFIX}{key}:{field_id}"


def general_alias(field: WordField) -> str:
    return field.label


def field_alias(report: Report, measure: Measure, field: WordField, repeated: Collection[str]) -> str:
    """Readable and unique: '4.1.1 Kommentar', plus the report id when a number repeats.

    LibreOffice 7.4 drops the tag and keeps only this alias, so it must identify the
    field on its own. `repeated` is `repeated_numbers(definition)`.
    """
    alias = f"{measure.number} {field.label}"
    return f"{alias} ({report.id})" if measure.number in repeated else alias


def repeated_numbers(definition: RoundDefinition) -> frozenset[str]:
    """Åtgärd numbers used in more than one delrapport of the round."""
    counts = Counter(m.number for r in definition.reports for m in r.measures)
    return frozenset(number for number, count in counts.items() if count > 1)


def report_heading_start(words: Vocabulary = DEFAULT_WORDS) -> str:
    """'Delrapport: ', what every group heading starts with."""
    return REPORT_HEADING_START.format(group=words.group.title)


def measure_heading_start(number: str, words: Vocabulary = DEFAULT_WORDS) -> str:
    """'4.1.1 Åtgärd', what the item's heading starts with."""
    return MEASURE_HEADING_START.format(number=number, item=words.item.title)


def report_heading(report: Report, words: Vocabulary = DEFAULT_WORDS) -> str:
    """'Delrapport: Stad i samverkan – …' (template and annex print the same)."""
    return report_heading_start(words) + report.title


def measure_heading(measure: Measure, words: Vocabulary = DEFAULT_WORDS) -> str:
    """'4.1.1 Åtgärd: Etablera lotsar …'."""
    return item_heading(measure.number, measure.title, words)


def item_heading(number: str, title: str, words: Vocabulary = DEFAULT_WORDS) -> str:
    return f"{measure_heading_start(number, words)}: {title}"


# --- builders ------------------------------------------------------------------------


def run(
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    style: str | None = None,
) -> etree._Element:
    """A w:r with the given formatting; tabs and line breaks become w:tab / w:br."""
    r = etree.Element(w("r"))
    if bold or italic or underline or style:
        rpr = etree.SubElement(r, w("rPr"))
        if style:
            etree.SubElement(rpr, w("rStyle")).set(w("val"), style)
        if bold:
            etree.SubElement(rpr, w("b"))
        if italic:
            etree.SubElement(rpr, w("i"))
        if underline:
            etree.SubElement(rpr, w("u")).set(w("val"), "single")
    _append_text(r, text)
    return r


def _append_text(r: etree._Element, text: str) -> None:
    for line_no, line in enumerate(text.split("\n")):
        if line_no:
            etree.SubElement(r, w("br"))
        for part_no, part in enumerate(line.split("\t")):
            if part_no:
                etree.SubElement(r, w("tab"))
            if part:
                t = etree.SubElement(r, w("t"))
                t.text = part
                if part != part.strip():
                    t.set(_XML_SPACE, "preserve")


def paragraph(
    content: str | Iterable[etree._Element] = "",
    *,
    style: str | None = None,
    bold: bool = False,
    italic: bool = False,
    keep_next: bool = False,
) -> etree._Element:
    """A w:p with pStyle set by id; `content` is text or ready-made runs."""
    p = etree.Element(w("p"))
    if style or keep_next:
        ppr = etree.SubElement(p, w("pPr"))
        if style:
            etree.SubElement(ppr, w("pStyle")).set(w("val"), style)
        if keep_next:
            etree.SubElement(ppr, w("keepNext"))
    if isinstance(content, str):
        if content:
            p.append(run(content, bold=bold, italic=italic))
    else:
        p.extend(content)
    return p


def labelled(label: str, value: str) -> list[etree._Element]:
    """Runs for 'Label: value' with the label in bold."""
    return [run(f"{label}: ", bold=True), run(value)]


def rich_text_control(tag: str, alias: str, placeholder: str, control_id: int) -> etree._Element:
    """A block-level rich-text content control showing its placeholder, like Word makes.

    No w:text in sdtPr (that would make it plain text); sdtLocked stops the control from
    being deleted while leaving its content editable.
    """
    sdt = etree.Element(w("sdt"))
    pr = etree.SubElement(sdt, w("sdtPr"))
    etree.SubElement(pr, w("alias")).set(w("val"), alias)
    etree.SubElement(pr, w("tag")).set(w("val"), tag)
    etree.SubElement(pr, w("id")).set(w("val"), str(control_id))
    etree.SubElement(pr, w("lock")).set(w("val"), "sdtLocked")
    etree.SubElement(pr, w("showingPlcHdr"))
    content = etree.SubElement(sdt, w("sdtContent"))
    content.append(paragraph([run(placeholder, style=STYLE_PLACEHOLDER)]))
    return sdt


def simple_field(instruction: str, shown: str = "1") -> etree._Element:
    """A w:fldSimple such as PAGE or NUMPAGES; Word and LibreOffice update it on layout."""
    fld = etree.Element(w("fldSimple"))
    fld.set(w("instr"), f" {instruction} ")
    fld.append(run(shown))
    return fld
