"""Excel responses re-saved by LibreOffice: values, identity, validations and protection survive.

The committed fixture tests/fixtures/libreoffice/excel-filled-lo74.xlsx comes from the small
round defined here (independent of the bundled round, which grows) and was made by running
this file: `python tests/documents/test_excel_libreoffice.py` (needs soffice). The slow
tests redo the conversion with the installed LibreOffice.
"""

from __future__ import annotations

import io
import shutil
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.helpers import SOFFICE, libreoffice_resave

from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.excel.reader import read_response_xlsx
from remiss.documents.excel.template import FIRST_DATA_ROW, ID_ROW, build_response_xlsx
from remiss.documents.model import Extracted
from remiss.documents.properties import read_custom_properties
from remiss.domain.catalog import Catalog, Group, Organisation
from remiss.domain.round import RoundDefinition
from remiss.identity import FileIdentity

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "libreoffice" / "excel-filled-lo74.xlsx"
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

ROUND = RoundDefinition.model_validate(
    {
        "id": "lo-excel-test",
        "title": "=Testremiss för Excel och LibreOffice",  # starts with "=": must stay text
        "diarienummer": "KS 2026/2",
        "budget_year": 2027,
        "deadline": "2026-12-01",
        "fields": {
            "general": {"id": "overgripande", "label": "Övergripande kommentar", "placeholder": "Skriv här."},
            "word": [{"id": "kommentar", "label": "Kommentar", "placeholder": "Skriv kommentaren här."}],
            "excel": [
                {
                    "id": "tidshorisont",
                    "label": "Tidshorisont",
                    "type": "choice",
                    "choices": [
                        "Budget 2016",
                        "Inför budget 2017",
                        "Längre planeringshorisont",
                        "Ej aktuell",
                    ],
                    "required": True,
                },
                {"id": "motivering", "label": "Motivering av prioritering", "type": "text"},
                {"id": "kostnad_tkr", "label": "Uppskattad kostnad (tkr)", "type": "number", "min": 0},
            ],
        },
        "reports": [
            {
                "id": "alfa",
                "title": "Första delrapporten",
                "measures": [
                    {"number": "1.1", "title": "Gör något", "ansvarig": ["testnamnd"]},
                    {"number": "1.2", "title": "=Rubrik som liknar en formel", "delansvar": ["testnamnd"]},
                ],
            },
            {
                "id": "beta",
                "title": "Andra delrapporten",
                "measures": [{"number": "1.1", "title": "Samma nummer", "ansvarig": ["testnamnd"]}],
            },
        ],
    }
)
ORG = Organisation(
    id="testnamnd",
    group=Group.FACK,
    namnd="Testnämnden",
    forvaltning="Testförvaltningen",
    email=["t@example.org"],
)
IDENTITY = FileIdentity(ROUND.id, ORG.id, "0123456789abcdef0123")
ANSWERS: dict[tuple[str, str], str | float] = {
    ("alfa/1.1", "tidshorisont"): "inför budget 2017",
    ("alfa/1.1", "motivering"): "=inte en formel, bara text",
    ("alfa/1.1", "kostnad_tkr"): 1200.5,
    ("alfa/1.2", "tidshorisont"): "Nästa år",
    ("alfa/1.2", "kostnad_tkr"): "12,5",
    ("beta/1.1", "motivering"): "Två\nrader",
    ("beta/1.1", "kostnad_tkr"): 3,
}


def assignments() -> list:
    return ROUND.assignments_for(ORG.id, Catalog(organisations=[ORG]))


def filled_workbook() -> bytes:
    return fill_response_xlsx(build_response_xlsx(ROUND, ORG, assignments(), IDENTITY), ANSWERS)


def check_values(extracted: Extracted) -> None:
    """What a nämnd typed comes back typed the same way, problems included."""
    assert extracted.warnings == []
    got = {(v.measure_key, v.column_id): (v.raw, v.value, v.problem) for v in extracted.values}
    assert len(got) == len(assignments()) * 3
    assert got[("alfa/1.1", "tidshorisont")] == ("inför budget 2017", "Inför budget 2017", None)
    assert got[("alfa/1.1", "motivering")][1:] == ("=inte en formel, bara text", None)
    assert got[("alfa/1.1", "kostnad_tkr")] == ("1200.5", 1200.5, None)
    assert got[("alfa/1.2", "kostnad_tkr")] == ("12,5", 12.5, None)
    raw, value, problem = got[("alfa/1.2", "tidshorisont")]
    assert (raw, value) == ("Nästa år", None) and "finns inte i listan" in problem
    assert got[("beta/1.1", "motivering")] == ("Två\nrader", "Två\nrader", None)
    assert got[("beta/1.1", "kostnad_tkr")] == ("3", 3.0, None)
    assert got[("alfa/1.2", "motivering")] == ("", None, None)


def check_structure(data: bytes) -> None:
    """Identity, protection, unlocked inputs, validations and hidden key row/column survive."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert read_custom_properties(package) == IDENTITY.as_properties()
    ws = load_workbook(io.BytesIO(data))["Svar"]
    assert ws.protection.sheet
    assert ws["B1"].value == ROUND.title and ws["B1"].data_type == "s"
    assert any(
        IDENTITY.reference in (c or "") for row in ws.iter_rows(max_row=6, values_only=True) for c in row
    )
    assert ws.row_dimensions[ID_ROW].hidden and ws.column_dimensions["A"].hidden
    assert not ws[f"F{FIRST_DATA_ROW}"].protection.locked and ws[f"E{FIRST_DATA_ROW}"].protection.locked
    assert sorted(v.type for v in ws.data_validations.dataValidation) == ["decimal", "list", "textLength"]


def test_committed_libreoffice_file_is_read():
    data = FIXTURE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "xl/sharedStrings.xml" in package.namelist()  # really a LibreOffice save
        assert b"LibreOffice" in package.read("docProps/app.xml")
    check_values(read_response_xlsx(data, FIXTURE.name, ROUND, assignments()))
    check_structure(data)


@pytest.mark.slow
@needs_soffice
def test_filled_sheet_survives_libreoffice(tmp_path):
    saved = libreoffice_resave(filled_workbook(), tmp_path, "xlsx", stem="svar")
    check_values(read_response_xlsx(saved, "svar.xlsx", ROUND, assignments()))
    check_structure(saved)


@pytest.mark.slow
@needs_soffice
def test_bundled_round_survives_libreoffice(definition, catalog, identity_for, tmp_path):
    org_id = next(o.id for o in catalog.organisations if definition.assignments_for(o.id, catalog))
    own = definition.assignments_for(org_id, catalog)
    template = build_response_xlsx(definition, catalog.by_id[org_id], own, identity_for(org_id))
    answers = {(a.key, "kostnad_tkr"): float(i) for i, a in enumerate(own)}
    answers[(own[0].key, definition.fields.excel[0].id)] = definition.fields.excel[0].choices[-1]
    saved = libreoffice_resave(fill_response_xlsx(template, answers), tmp_path, "xlsx", stem=org_id)
    extracted = read_response_xlsx(saved, f"{org_id}.xlsx", definition, own)
    assert extracted.warnings == []
    got = {(v.measure_key, v.column_id): v.value for v in extracted.values}
    assert {k: got[k] for k in answers} == answers
    with zipfile.ZipFile(io.BytesIO(saved)) as package:
        assert read_custom_properties(package) == identity_for(org_id).as_properties()


if __name__ == "__main__":  # regenerate the committed fixture
    if SOFFICE is None:
        sys.exit("soffice is not installed")
    work = Path(f"/tmp/remiss-excel-fixture-{uuid.uuid4().hex}")
    work.mkdir()
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_bytes(libreoffice_resave(filled_workbook(), work, "xlsx", stem="excel-filled"))
    shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {FIXTURE}")
