"""The compiled annex (bilaga): every förvaltning's answers under the city's headings.

Built as WordprocessingML text streamed into the package, one organisation at a time:
headings and fixed text are formatted strings, each answer fragment is parsed once with
lxml, cleaned (annex_fragments) and serialized. No python-docx objects, no style lookups by
name and no docxcompose: appending a document costs ~0.1 s there, here an answer costs
well under a millisecond.

Structure: title page; contents (a TOC field, annex_sections); then either per organisation —
group (Heading 1), förvaltning (2), delrapport (3), åtgärd (4), answers — or per åtgärd —
delrapport (1), åtgärd (2), each responsible förvaltning (3), answers; then the appendix
of who answered what (annex_sections); last, when an answer has endnotes, the heading the
endnotes follow (annex_notes). Headings never skip a level.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from remiss.documents.annex import package as package
from remiss.documents.annex import styles as styles
from remiss.documents.annex.fragments import (
    Element,
    FragmentCleaner,
    ListNumbering,
    add_label,
    parse_fragment,
    strip_foreign_attributes,
)
from remiss.documents.annex.media import AnnexMedia
from remiss.documents.annex.notes import ENDNOTES_TITLE, AnnexNotes, carries_endnote
from remiss.documents.annex.notes import PARTS as NOTE_PARTS
from remiss.documents.annex.sections import APPENDIX_TITLE, TOC_LEVELS, Outline, appendix_xml, toc_xml
from remiss.documents.model import AnnexDocument, AnnexEntry, AnnexField, MeasureSection
from remiss.documents.ooxml import w
from remiss.documents.word.wordml import item_heading, report_heading_start
from remiss.errors import DocumentError, RejectedFile
from remiss.swedish import long_date

GENERAL_TITLE = "Övergripande kommentarer"
BY_MEASURE_SUBTITLE = "Svaren per {item}"
_HOLDER_NSMAP = package.NAMESPACES  # the same prefixes document.xml declares
_HOLDER_ITEMS = set(_HOLDER_NSMAP.items())


class _Writer:
    """State shared while one annex is written: list numbering, pictures and links, headings."""

    def __init__(self, doc: AnnexDocument) -> None:
        self.doc = doc
        self.numbering = ListNumbering()
        self.media = AnnexMedia()
        self.notes = AnnexNotes()
        self.outline = Outline()

    def field(self, field: AnnexField, owner: str) -> str:
        """The answer with its label as a bold lead-in; when empty, the label and missing_text
        for a required field and nothing at all for an optional one."""
        missing_text = self.doc.missing_text
        label = field.label.strip().rstrip(":")
        if field.xml.strip():
            name = f"”{label or 'Övergripande kommentar'}”"
            try:
                root = parse_fragment(field.xml, name)
            except RejectedFile as exc:
                raise DocumentError(
                    f"Svaret {name} från {owner} kunde inte föras in i bilagan: {exc.reason}"
                ) from None
            if FragmentCleaner(self.numbering, self.media, self.notes).clean(root):
                add_label(root, label)
                return _serialize_children(root)
        if not field.required:
            return ""
        return package.paragraph(missing_text, bold_lead=f"{label}: " if label else "")

    def fields(self, fields: list[AnnexField], owner: str) -> str:
        """An item's answers; the missing text alone when it has only optional fields, all empty."""
        written = "".join(self.field(field, owner) for field in fields)
        return written or package.paragraph(self.doc.missing_text)


def build_annex(doc: AnnexDocument) -> bytes:
    """The annex as .docx bytes; the same document always gives the same bytes."""
    writer = _Writer(doc)
    parts = ["word/styles.xml", "word/settings.xml", "word/numbering.xml", "word/footer1.xml", *NOTE_PARTS]
    if doc.draft_stamp:
        parts.append("word/header1.xml")
    out = package.PackageWriter(doc.date, parts)
    endnotes = has_endnotes(doc)
    out.write(_title_page(doc))
    out.write(toc_xml(toc_entries(doc, endnotes)))
    body = _by_measure(writer) if doc.by_measure is not None else _by_organisation(writer)
    for chunk in body:
        out.write(chunk)
    out.write(appendix_xml(doc.appendix, doc.status_line, writer.outline))
    if endnotes:  # the endnotes follow the last paragraph: under this heading, on its page
        out.write(writer.outline.heading(1, ENDNOTES_TITLE))
    if writer.outline.entries != toc_entries(doc, endnotes):
        raise RuntimeError("the table of contents does not match the headings written")
    out.write(package.section_properties(styles.SECTION_GEOMETRY, with_header=bool(doc.draft_stamp)))
    word_parts = {
        "word/styles.xml": styles.styles_xml(),
        "word/settings.xml": styles.settings_xml(),
        "word/numbering.xml": writer.numbering.xml(),
        "word/footer1.xml": package.footer_xml(),
        **writer.notes.parts(),
    }
    if doc.draft_stamp:
        word_parts["word/header1.xml"] = package.draft_header_xml(doc.draft_stamp)
    return out.close(
        word_parts,
        title=doc.title,
        subject=f"Diarienummer {doc.diarienummer}",
        language=styles.LANGUAGE,
        media=writer.media,
    )


def toc_entries(doc: AnnexDocument, endnotes: bool | None = None) -> list[tuple[int, str]]:
    """The headings of levels 1–2 the body will have, in order (what the TOC lists);
    `endnotes`: whether an answer carries an endnote (found out when not given)."""
    entries: list[tuple[int, str]] = []
    if doc.by_measure is None:
        for group in doc.groups:
            entries.append((1, group.heading))
            entries += [(2, entry.name) for entry in group.entries]
    else:
        if _general_entries(doc):
            entries.append((1, GENERAL_TITLE))
            entries += [(2, entry.name) for entry in _general_entries(doc)]
        for report in doc.by_measure:
            entries.append((1, _report_heading(doc, report.title)))
            entries += [(2, item_heading(m.number, m.title, doc.words)) for m in report.measures]
    if doc.appendix:
        entries.append((1, APPENDIX_TITLE))
        entries += [(2, group.heading) for group in doc.appendix]
    if has_endnotes(doc) if endnotes is None else endnotes:
        entries.append((1, ENDNOTES_TITLE))
    return [(level, title) for level, title in entries if level <= TOC_LEVELS]


def _title_page(doc: AnnexDocument) -> str:
    """Bilaga, title, diarienummer, date. A draft's red UTKAST line is the page header's, which
    the title page shows like every other page: it is not repeated in the body."""
    subtitle = BY_MEASURE_SUBTITLE.format(item=doc.words.item.one)
    view = package.paragraph(subtitle, "Subtitle") if doc.by_measure is not None else ""
    return (
        package.paragraph("Bilaga", "Title")
        + package.paragraph(doc.title, "Subtitle")
        + view
        + package.paragraph(f"Diarienummer: {doc.diarienummer}")
        + package.paragraph(long_date(doc.date))
    )


def _by_organisation(writer: _Writer) -> Iterator[str]:
    """One chunk per group heading and per organisation, so memory stays flat."""
    for group in writer.doc.groups:
        yield writer.outline.heading(1, group.heading)
        for entry in group.entries:
            yield _entry(writer, entry)


def _entry(writer: _Writer, entry: AnnexEntry) -> str:
    out = [writer.outline.heading(2, entry.name)]
    general = _general(entry)
    if entry.missing or (general is None and not entry.reports):
        out.append(package.paragraph(writer.doc.missing_text))
        return "".join(out)
    if general is not None:
        out.append(writer.field(general, entry.name))
    words = writer.doc.words
    for report in entry.reports:
        out.append(writer.outline.heading(3, _report_heading(writer.doc, report.title)))
        for measure in report.measures:
            out.append(writer.outline.heading(4, item_heading(measure.number, measure.title, words)))
            if measure.description:  # not alone at the foot of a page, its answer overleaf
                out.append(package.paragraph(measure.description, keep_next=True))
            out.append(writer.fields(measure.fields, entry.name))
    return "".join(out)


def _by_measure(writer: _Writer) -> Iterator[str]:
    """Per åtgärd: what every responsible förvaltning said about it, side by side."""
    doc = writer.doc
    general = _general_entries(doc)
    if general:
        yield writer.outline.heading(1, GENERAL_TITLE)
        for entry in general:
            field = _general(entry)
            assert field is not None
            yield writer.outline.heading(2, entry.name) + writer.field(field, entry.name)
    for report in doc.by_measure or []:
        yield writer.outline.heading(1, _report_heading(doc, report.title))
        for measure in report.measures:
            yield _measure(writer, measure)


def _measure(writer: _Writer, measure: MeasureSection) -> str:
    words = writer.doc.words
    out = [writer.outline.heading(2, item_heading(measure.number, measure.title, words))]
    # Heading, description and who leads the åtgärd stay together; the förvaltningar's
    # answers follow under headings of their own, so the chain ends there (a longer one made
    # LibreOffice leave the heading alone at the foot of a page with footnotes).
    if measure.description:
        out.append(package.paragraph(measure.description, keep_next=bool(measure.responsibility)))
    if measure.responsibility:
        out.append(package.paragraph(measure.responsibility, italic=True))
    if not measure.answers:
        nobody = f"Ingen förvaltning har fått {words.item.one} {measure.number} i omgången."
        out.append(package.paragraph(nobody))
    for answer in measure.answers:
        out.append(writer.outline.heading(3, answer.organisation))
        if answer.missing:
            out.append(package.paragraph(writer.doc.missing_text))
        else:
            out.append(writer.fields(answer.fields, answer.organisation))
    return "".join(out)


def has_endnotes(doc: AnnexDocument) -> bool:
    """Whether an answer the annex prints carries an endnote. Known before the body is
    written, because the contents list the endnotes' heading."""
    return any(carries_endnote(field.xml) for field in _printed_fields(doc))


def _printed_fields(doc: AnnexDocument) -> Iterator[AnnexField]:
    if doc.by_measure is None:
        for group in doc.groups:
            for entry in group.entries:
                if not entry.missing:
                    yield from [entry.general] if entry.general is not None else []
                    yield from (f for r in entry.reports for m in r.measures for f in m.fields)
        return
    yield from (field for entry in _general_entries(doc) if (field := _general(entry)) is not None)
    for report in doc.by_measure:
        for measure in report.measures:
            yield from (f for a in measure.answers if not a.missing for f in a.fields)


def _report_heading(doc: AnnexDocument, title: str) -> str:
    """'Delrapport: …' in the round's words, as the Word template heads it."""
    return report_heading_start(doc.words) + title


def _general(entry: AnnexEntry) -> AnnexField | None:
    return entry.general if entry.general is not None and entry.general.xml.strip() else None


def _general_entries(doc: AnnexDocument) -> list[AnnexEntry]:
    return [entry for entry in doc.general if not entry.missing and _general(entry) is not None]


def _serialize_children(root: Element) -> str:
    """The container's children as XML text, without namespace declarations of their own.

    When, after removing unused declarations, the container declares only prefixes that
    document.xml declares, exactly as it does, its tags are simply cut off. Anything else
    declared means a foreign attribute survived, the respondent's file used other prefixes,
    or a picture brought its own declarations: strip foreign attributes and move the
    children under a holder that declares the document's prefixes (slower, always right).
    """
    etree.cleanup_namespaces(root)
    xml = etree.tostring(root, encoding="unicode")
    body = xml[xml.index(">") + 1 : xml.rindex("</")]
    if set(root.nsmap.items()) <= _HOLDER_ITEMS and "xmlns" not in body:
        return body
    strip_foreign_attributes(root)
    holder = etree.Element(w("body"), nsmap=_HOLDER_NSMAP)
    holder.extend(list(root))
    etree.cleanup_namespaces(holder, top_nsmap=_HOLDER_NSMAP)
    xml = etree.tostring(holder, encoding="unicode")
    return xml[xml.index(">") + 1 : xml.rindex("</")]
