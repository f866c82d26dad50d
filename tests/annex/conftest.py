"""A round with real returned files carrying every element the annex must keep, collected into
the store, and the annex built from it through the CLI (`remiss annex --pdf --xlsx --check`).

- Kulturförvaltningen (on time, complete) answers with bold/italic/underline, two numbered
  lists in different answers, bullets, a picture with alt text, a link, a table with a header
  row, a tracked insertion and deletion, a Word comment, a nested content control, a
  paragraph in a style of its own; one field left empty; a second picture elsewhere.
- Bromma (on time, complete) answers plainly, plus a picture WITHOUT alt text and a table
  WITHOUT header row: the two things `--check` must report.
- Farsta answers after the deadline and sends no Excel file (incomplete, late).
- Everyone else sends nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor
from tests.annex.returned import Returned, png
from tests.helpers import issued, run_cli

from remiss import resources
from remiss.documents.annex.pdf import pdf_available
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.word.fill import fill_response_docx
from remiss.domain import Assignment
from remiss.domain.loading import load_catalog, load_round
from remiss.services import operations
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace

ROUND = "sh-2016"
CHART = png(120, 60, (40, 110, 180))
MAP = png(80, 80, (20, 150, 60))
NO_ALT = png(50, 25, (230, 160, 20))
LINK = "https://start.stockholm/kultur"
ON_TIME, LATE = dt.datetime(2016, 4, 26, 10, 0), dt.datetime(2016, 5, 3, 9, 0)
TRACKED = (
    '<w:p><w:r><w:t xml:space="preserve">Granskad text </w:t></w:r>'
    '<w:ins w:id="91" w:author="Handläggare" w:date="2016-04-20T10:00:00Z"><w:r><w:t>tillagd i granskningen'
    '</w:t></w:r></w:ins><w:del w:id="92" w:author="Handläggare" w:date="2016-04-20T10:00:00Z"><w:r>'
    "<w:delText> struken mening</w:delText></w:r></w:del></w:p>"
)
NESTED = (
    '<w:sdt><w:sdtPr><w:alias w:val="Inre kontroll"/><w:id w:val="4711"/></w:sdtPr><w:sdtContent>'
    "<w:p><w:r><w:t>Text i en inre kontroll.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
)


def tag(key: str, field: str) -> str:
    return f"remiss:{key}:{field}"


def assignments(org_id: str) -> list[Assignment]:
    catalog = load_catalog(resources.default_catalog())
    return load_round(resources.bundled_round(), catalog).assignments_for(org_id, catalog)


def keys(org_id: str) -> list[str]:
    return [a.key for a in assignments(org_id)]


def place(org_id: str, index: int = 0) -> str:
    """'Bromma › Delrapport: … › 4.1.1 Åtgärd: …': where --check says a problem is."""
    found = assignments(org_id)[index]
    name = load_catalog(resources.default_catalog()).by_id[org_id].forvaltning
    return f"{name} › Delrapport: {found.report.title} › {found.measure.number} Åtgärd: {found.measure.title}"


def kultur_docx(template: bytes) -> bytes:
    first, second, *rest = keys("kultur")
    answers = {tag(key, "kommentar"): [f"Kulturnämnden svarar på {key}."] for key in rest}
    answers[tag("general", "overgripande")] = ["Kulturnämnden välkomnar kommissionens rapporter."]
    answers[tag(first, "kommentar")] = [
        "Nämnden **stöder** åtgärden och vill *pröva* den i __Kulturhuset__.",
        "1. Kartlägga nuläget",
        "1. Ta fram en plan",
        "- Biblioteken",
        "- Kulturskolan",
    ]
    answers[tag(second, "kommentar")] = ["1. Första steget", "1. Andra steget"]
    answers[tag(rest[-1], "kommentar")] = ["Se kartan."]
    returned = Returned(fill_response_docx(template, answers))
    comment = tag(first, "kommentar")
    returned.picture(comment, CHART, "Diagram över besökare 2015")
    returned.link(comment, "Läs mer på ", "stadens webbplats", LINK)
    returned.table(comment, [["Verksamhet", "Besök 2015"], ["Bibliotek", "5 200 000"]], header=True)
    returned.xml(comment, TRACKED)
    commented = returned.paragraph(comment, "Kommenterad mening.")
    returned.document.add_comment(commented.runs, text="Kolla siffrorna", author="Handläggare")
    returned.xml(comment, NESTED)
    own = returned.document.styles.add_style("Nämndens brödtext", WD_STYLE_TYPE.PARAGRAPH)
    own.font.name, own.font.size, own.font.color.rgb = "Comic Sans MS", Pt(16), RGBColor(0xC0, 0, 0)
    returned.paragraph(comment, "Text i nämndens egen stil.", style="Nämndens brödtext")
    returned.picture(tag(rest[-1], "kommentar"), MAP, "Karta över stadens bibliotek")
    return returned.save()


def bromma_docx(template: bytes) -> bytes:
    answers = {tag(key, "kommentar"): [f"Bromma svarar på {key}."] for key in keys("bromma")}
    returned = Returned(fill_response_docx(template, answers))
    first = tag(keys("bromma")[0], "kommentar")
    returned.picture(first, NO_ALT, "")
    returned.table(first, [["Plats", "Antal"], ["Åkeshov", "12"]])
    return returned.save()


def excel(home: Path, org_id: str, extra: dict[tuple[str, str], str | float]) -> bytes:
    values: dict[tuple[str, str], str | float] = {
        (key, "tidshorisont"): "Inför budget 2017" for key in keys(org_id)
    }
    return fill_response_xlsx(issued(home, ROUND, org_id, ".xlsx").read_bytes(), {**values, **extra})


@pytest.fixture(scope="package")
def env(tmp_path_factory):
    """REMISS_HOME for the package's workspace, set while each test runs the CLI."""
    home = tmp_path_factory.mktemp("annex-workspace")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        patch.delenv("REMISS_DATABASE_URL", raising=False)
        yield home


@pytest.fixture(scope="package")
def home(env: Path, tmp_path_factory) -> Path:
    ws = Workspace.from_env(env)
    operations.create_round(ws, resources.bundled_round())
    operations.launch(open_work(ws, ROUND))
    inbox = tmp_path_factory.mktemp("inkommet")
    files = {
        "kultur.docx": kultur_docx(issued(env, ROUND, "kultur", ".docx").read_bytes()),
        "kultur.xlsx": excel(
            env,
            "kultur",
            {
                (keys("kultur")[0], "motivering"): '=HYPERLINK("http://example.invalid")',
                (keys("kultur")[0], "kostnad_tkr"): 250.0,
            },
        ),
        "bromma.docx": bromma_docx(issued(env, ROUND, "bromma", ".docx").read_bytes()),
        "bromma.xlsx": excel(env, "bromma", {}),
        "farsta.docx": fill_response_docx(
            issued(env, ROUND, "farsta", ".docx").read_bytes(),
            {tag(key, "kommentar"): ["Farsta svarar sent."] for key in keys("farsta")},
        ),
    }
    for name, data in files.items():
        (inbox / name).write_bytes(data)
    on_time = [inbox / n for n in ("kultur.docx", "kultur.xlsx", "bromma.docx", "bromma.xlsx")]
    results = collect_paths(open_work(ws, ROUND, now=ON_TIME), on_time)
    results += collect_paths(open_work(ws, ROUND, now=LATE), [inbox / "farsta.docx"])
    assert [r.outcome for r in results] == ["accepted"] * 5, [r.reason for r in results]
    return env


@pytest.fixture(scope="package")
def published(home: Path, tmp_path_factory) -> dict:
    """`remiss annex --xlsx --check --json`: the annex, its workbook and the check, no PDF (fast)."""
    out = tmp_path_factory.mktemp("bilaga") / "bilaga.docx"
    return json.loads(run_cli("annex", ROUND, "-o", str(out), "--xlsx", "--check", "--json", expect=1))


@pytest.fixture(scope="package")
def published_pdf(home: Path, tmp_path_factory) -> dict:
    """`remiss annex --pdf --check --json` (the PDF only where LibreOffice and UNO are): slow tests only."""
    out = tmp_path_factory.mktemp("bilaga-pdf") / "bilaga.docx"
    flags = ["--pdf"] if pdf_available() else []
    return json.loads(run_cli("annex", ROUND, "-o", str(out), *flags, "--check", "--json", expect=1))
