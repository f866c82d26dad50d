"""The annex's own sections around the answers: headings, contents and appendix.

Headings come from an Outline, which gives levels 1–2 a bookmark. The contents are Word's
own construction: a `TOC \\o "1-2" \\h \\z \\u` field inside a "Table of Contents" document
part, pre-filled with one linked entry per heading of levels 1–2. Page numbers are not known
when the .docx is written: Word fills them in when it updates fields on opening
(settings.xml asks it to), and the PDF export updates the index through LibreOffice before
it lays out the pages (annex_pdf).

The appendix lists per förvaltning complete, incomplete (with what), late, or missing: one
table per group under a level-2 heading, with a marked header row (repeated on every page
and read as column headers by a screen reader) and a caption for assistive software.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from remiss.documents.annex import styles as styles
from remiss.documents.annex.package import paragraph, text
from remiss.documents.model import AppendixGroup, AppendixRow
from remiss.domain.outcomes import AnswerStatus

TOC_LEVELS = 2
_TAB = styles.TOC_TAB_POSITION
TOC_TITLE = "Innehåll"


@dataclass
class Outline:
    """Hands out heading paragraphs; levels 1–2 get a bookmark the TOC entry links to."""

    entries: list[tuple[int, str]] = field(default_factory=list)

    def heading(self, level: int, title: str) -> str:
        style = f'<w:pPr><w:pStyle w:val="Heading{level}"/></w:pPr>'
        run = f'<w:r><w:t xml:space="preserve">{text(title)}</w:t></w:r>'
        if level > TOC_LEVELS:
            return f"<w:p>{style}{run}</w:p>"
        self.entries.append((level, title))
        number = len(self.entries)
        return (
            f'<w:p>{style}<w:bookmarkStart w:id="{number}" w:name="{bookmark(number)}"/>{run}'
            f'<w:bookmarkEnd w:id="{number}"/></w:p>'
        )


def bookmark(number: int) -> str:
    return f"_Toc{number:08d}"


def toc_xml(entries: list[tuple[int, str]]) -> str:
    """The contents page: its heading, then the TOC field with one entry per heading."""
    field_start = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> TOC \\o "1-{TOC_LEVELS}" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    field_end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    paragraphs = []
    for number, (level, title) in enumerate(entries, start=1):
        start = field_start if number == 1 else ""
        end = field_end if number == len(entries) else ""
        paragraphs.append(
            f'<w:p><w:pPr><w:pStyle w:val="TOC{level}"/>'
            f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{_TAB}"/></w:tabs></w:pPr>'
            f'{start}<w:hyperlink w:anchor="{bookmark(number)}" w:history="1">'
            f'<w:r><w:t xml:space="preserve">{text(title)}</w:t></w:r></w:hyperlink>{end}</w:p>'
        )
    if not paragraphs:
        paragraphs.append(f"<w:p>{field_start}{field_end}</w:p>")
    return (
        '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/><w:docPartUnique/>'
        "</w:docPartObj></w:sdtPr><w:sdtContent>"
        f'<w:p><w:pPr><w:pStyle w:val="TOCHeading"/></w:pPr><w:r><w:t>{TOC_TITLE}</w:t></w:r></w:p>'
        + "".join(paragraphs)
        + "</w:sdtContent></w:sdt>"
    )


# --- The appendix -----------------------------------------------------------------------

APPENDIX_TITLE = "Sammanställning av svaren"
# Column heading and width (twips); together the text width of the page.
_COLUMNS = (
    ("Förvaltning", 2800),
    ("Status", 1240),
    ("Inkom", 1200),
    ("Sen", 560),
    ("Versioner", 1500),
    ("Saknas", 1770),
)
_HEADER_FILL = "E7E6E6"
_SIZE = '<w:sz w:val="20"/><w:szCs w:val="20"/>'  # 10 pt: a row per förvaltning fits one line
# The paragraph mark at 10 pt too: an empty cell ("Sen" when on time) would otherwise keep
# the body's 11 pt line and make its row taller than the others.
_MARK = f"<w:pPr><w:rPr>{_SIZE}</w:rPr></w:pPr>"


def appendix_xml(groups: list[AppendixGroup], status_line: str, outline: Outline) -> str:
    if not groups:
        return ""
    out = [outline.heading(1, APPENDIX_TITLE)]
    if status_line:
        out.append(paragraph(status_line))
    for group in groups:
        out.append(outline.heading(2, group.heading))
        out.append(_table(group))
    return "".join(out)


def summary_line(rows: list[AppendixRow]) -> str:
    """'20 kompletta, 1 ofullständig, 10 saknas; 2 kom in efter sista svarsdag.'"""
    complete = sum(1 for r in rows if r.status is AnswerStatus.COMPLETE)
    incomplete = sum(1 for r in rows if r.status is AnswerStatus.INCOMPLETE)
    missing = sum(1 for r in rows if r.status is AnswerStatus.MISSING)
    late = sum(1 for r in rows if r.late and r.status is not AnswerStatus.MISSING)
    parts = [
        f"{complete} {'komplett' if complete == 1 else 'kompletta'}",
        f"{incomplete} {'ofullständig' if incomplete == 1 else 'ofullständiga'}",
        f"{missing} saknas",
    ]
    return f"{', '.join(parts)} av {len(rows)}; {late} kom in efter sista svarsdag."


def _table(group: AppendixGroup) -> str:
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _, width in _COLUMNS)
    header = "".join(
        _cell(width, f"<w:p>{_MARK}<w:r><w:rPr><w:b/>{_SIZE}</w:rPr><w:t>{title}</w:t></w:r></w:p>", True)
        for title, width in _COLUMNS
    )
    rows = "".join(_row(row) for row in group.rows)
    caption = text(f"Svarsstatus: {group.heading}")
    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="{styles.TABLE_GRID}"/><w:tblW w:w="5000" w:type="pct"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f'<w:tblCaption w:val="{caption}"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>{rows}</w:tbl>"
    )


def _row(row: AppendixRow) -> str:
    late = "ja" if row.late and row.received else ""
    missing = ", ".join(row.missing) or "–"
    values = (row.name, row.status.label, row.received or "–", late, row.versions or "–", missing)
    cells = "".join(
        _cell(width, f"<w:p>{_MARK}<w:r><w:rPr>{_SIZE}</w:rPr>{_t(text(v))}</w:r></w:p>")
        for v, (_, width) in zip(values, _COLUMNS, strict=True)
    )
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>"


def _t(value: str) -> str:
    return f'<w:t xml:space="preserve">{value}</w:t>'


def _cell(width: int, paragraph_xml: str, header: bool = False) -> str:
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{_HEADER_FILL}"/>' if header else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>{paragraph_xml}</w:tc>'
