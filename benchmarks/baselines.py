"""What a Python developer would write without remiss's fast paths: the benchmark's baselines.

- `naive_templates`: per organisation, a python-docx Document built with add_heading /
  add_paragraph (styles looked up by name), the answer fields as content controls via the
  oxml layer, custom properties as a part; and an openpyxl workbook with the same rows,
  validations and protection. Same content as remiss's templates; no e-mail, no database.
- `docxcompose_annex`: a master document with the group and förvaltning headings, each
  returned Word file appended whole with docxcompose's Composer.

Import this module only in a process of its own: importing docxcompose rebinds
python-docx's `cp:` namespace for the whole process.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from remiss.documents.excel.template import KEY_MARKER
from remiss.documents.ooxml import CT_CUSTOM_PROPS, RT_CUSTOM_PROPS
from remiss.documents.properties import CUSTOM_PART, custom_properties_xml
from remiss.documents.word.template import DEFAULT_INSTRUCTIONS, responsibility_line
from remiss.documents.word.wordml import (
    field_alias,
    field_tag,
    measure_heading,
    repeated_numbers,
    report_heading,
)
from remiss.domain.catalog import Group
from remiss.services.context import RoundContext
from remiss.swedish import long_date


def naive_templates(ctx: RoundContext, folder: Path) -> int:
    """Write every recipient's .docx and .xlsx the straightforward way; returns the count."""
    for org_id in ctx.recipient_ids:
        target = folder / org_id
        target.mkdir(parents=True, exist_ok=True)
        _naive_docx(ctx, org_id).save(target / "svar.docx")
        _naive_xlsx(ctx, org_id).save(target / "svar.xlsx")
    return len(ctx.recipient_ids)


def _naive_docx(ctx: RoundContext, org_id: str) -> docx.document.Document:
    definition, org, identity = ctx.definition, ctx.organisation(org_id), ctx.identity(org_id)
    document = docx.Document()
    document.add_heading(definition.title, 0)
    for label, value in (
        ("Diarienummer", definition.diarienummer),
        ("Nämnd", org.namnd),
        ("Förvaltning", org.forvaltning),
        ("Sista svarsdag", long_date(definition.deadline)),
        ("Avsändare", definition.sender),
    ):
        paragraph = document.add_paragraph(style="No Spacing")
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_paragraph()
    document.add_paragraph().add_run("Instruktioner").bold = True
    for line in (definition.instructions or DEFAULT_INSTRUCTIONS).splitlines():
        document.add_paragraph(line)
    general = definition.fields.general
    _field(document, general.label, field_tag("general", general.id), general.label, general.placeholder)
    repeated = repeated_numbers(definition)
    report = None
    for assignment in ctx.assignments(org_id):
        if assignment.report is not report:
            report = assignment.report
            document.add_heading(report_heading(report), 1)
        document.add_heading(measure_heading(assignment.measure), 2)
        if assignment.measure.description:
            document.add_paragraph(assignment.measure.description)
        document.add_paragraph().add_run(responsibility_line(assignment)).italic = True
        for field in definition.fields.word:
            alias = field_alias(assignment.report, assignment.measure, field, repeated)
            _field(document, field.label, field_tag(assignment.key, field.id), alias, field.placeholder)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = f"{identity.reference}\tSida"
    footer.style = document.styles["Footer"]
    package = document.part.package
    part = Part(
        PackURI(f"/{CUSTOM_PART}"), CT_CUSTOM_PROPS, custom_properties_xml(identity.as_properties()), package
    )
    package.relate_to(part, RT_CUSTOM_PROPS)
    document.core_properties.title = definition.title
    return document


def _field(document: docx.document.Document, label: str, tag: str, alias: str, placeholder: str) -> None:
    """A bold label, then a rich-text content control holding the placeholder paragraph."""
    document.add_paragraph().add_run(label).bold = True
    placeholder_paragraph = document.add_paragraph(placeholder)
    sdt, pr, content = OxmlElement("w:sdt"), OxmlElement("w:sdtPr"), OxmlElement("w:sdtContent")
    for name, value in (("w:alias", alias), ("w:tag", tag), ("w:lock", "sdtLocked")):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        pr.append(element)
    pr.append(OxmlElement("w:showingPlcHdr"))
    sdt.append(pr)
    sdt.append(content)
    placeholder_paragraph._p.addprevious(sdt)
    content.append(placeholder_paragraph._p)


def _naive_xlsx(ctx: RoundContext, org_id: str) -> Workbook:
    definition, org, identity = ctx.definition, ctx.organisation(org_id), ctx.identity(org_id)
    columns = definition.fields.excel
    wb = Workbook()
    ws = wb.active
    ws.title = "Svar"
    ws["B1"] = definition.title
    ws["B1"].font = Font(bold=True, size=14)
    ws["B2"] = f"Diarienummer: {definition.diarienummer}"
    ws["B3"] = f"Nämnd: {org.namnd}"
    ws["B4"] = f"Sista svarsdag: {definition.deadline.isoformat()}"
    ws["B5"] = f"Referens (ändra inte): {identity.reference}"
    ids = [KEY_MARKER, "remiss:delrapport", "remiss:nummer", "remiss:atgard", "remiss:roll"]
    ws.append([])
    ws.append(ids + [c.id for c in columns])
    ws.row_dimensions[7].hidden = True
    ws.append(["Nyckel", "Delrapport", "Åtgärd", "Åtgärd (rubrik)", "Roll"] + [c.label for c in columns])
    fill = PatternFill("solid", fgColor="FFF2CC")
    assignments = ctx.assignments(org_id)
    for row, a in enumerate(assignments, start=9):
        ws.append([a.key, a.report.title, a.measure.number, a.measure.title, a.role])
        for col in range(6, 6 + len(columns)):
            cell = ws.cell(row=row, column=col)
            cell.protection = Protection(locked=False)
            cell.fill = fill
    last = 8 + max(1, len(assignments))
    for index, column in enumerate(columns, start=6):
        letter = ws.cell(row=8, column=index).column_letter
        if column.type == "choice":
            rule = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
        elif column.type == "number":
            rule = DataValidation(type="decimal", operator="between", formula1="0", formula2="10000000")
        else:
            rule = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000")
        ws.add_data_validation(rule)
        rule.add(f"{letter}9:{letter}{last}")
    ws.column_dimensions["A"].hidden = True
    ws.protection.sheet = True
    for name, value in identity.as_properties().items():
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    return wb


def docxcompose_annex(ctx: RoundContext, returned: dict[str, Path], output: Path) -> int:
    """The annex by appending each returned Word file whole; returns the number appended."""
    from docxcompose.composer import Composer

    master = docx.Document()
    master.add_heading("Bilaga", 0)
    master.add_paragraph(ctx.definition.title, style="Subtitle")
    master.add_paragraph(f"Diarienummer: {ctx.definition.diarienummer}")
    composer = Composer(master)
    appended = 0
    for group in Group:
        members = [o for o in ctx.recipient_ids if ctx.organisation(o).group is group]
        if not members:
            continue
        composer.doc.add_heading(group.heading, 1)
        for org_id in members:
            composer.doc.add_heading(ctx.organisation(org_id).forvaltning, 2)
            path = returned.get(org_id)
            if path is None:
                composer.doc.add_paragraph(ctx.definition.missing_text)
                continue
            composer.append(docx.Document(str(path)))
            appended += 1
    composer.save(str(output))
    return appended
