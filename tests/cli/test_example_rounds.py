"""The two example rounds a new user would write, each through the whole cycle.

- `fardplan-2018`: a plain remiss to the 14 stadsdelsnämnder that asks questions (frågor) in
  sections (avsnitt), like seed 002;
- `sammanhallen-stad-2016`: a programme follow-up whose goals (mål) in goal areas
  (målområden) name a huvudansvarig and medansvariga, like seed 003.

Launch, create, chase, status and annex go through the real CLI; the returned files are
filled as a nämnd fills them and collected through the services with the day they came.
Every text a nämnd or a reader sees — request, Word and Excel templates, receipt, reminder,
annex and its workbook — must use the round's own words and fields, never the bundled
round's "åtgärd", "delrapport" or Excel columns.
"""

from __future__ import annotations

import datetime as dt
import email
import io
import re
import zipfile
from dataclasses import dataclass
from email import policy
from pathlib import Path

import docx
import openpyxl
import pytest
from lxml import etree
from tests.helpers import backdate_launch, issued, run_cli, run_json

from remiss import resources
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.word.fill import fill_response_docx
from remiss.domain.loading import load_catalog, load_round
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The bundled round's words and Excel columns: none may reach a text of the example rounds.
FOREIGN = re.compile(r"åtgärd|delrapport|tidshorisont|motivering|kostnad", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    round_id: str
    item: str  # the heading word, e.g. "Fråga"
    group: str  # e.g. "Avsnitt"
    answer: str  # the required Word field's id
    optional: str  # an optional Word field's id and label
    optional_label: str
    choice: str  # the required choice column and a valid value
    valid: str
    number: str  # a number column
    complete: str  # organisations: answers everything in time
    refused: str  # answers in time, but its Excel sheet holds refused values
    late: str  # sends only the Word file, after the deadline
    on_time: dt.datetime
    after: dt.datetime
    missing_text: str
    descriptions: bool


EXAMPLES = {
    "fardplan-2018": Example(
        "fardplan-2018", "Fråga", "Avsnitt", "svar", "exempel", "Exempel från stadsdelsområdet",
        "installning", "Instämmer delvis", "berorda", "bromma", "farsta", "skarholmen",
        dt.datetime(2018, 11, 20, 10, 0), dt.datetime(2018, 12, 5, 9, 0), "Skrivning saknas.", True,
    ),
    "sammanhallen-stad-2016": Example(
        "sammanhallen-stad-2016", "Mål", "Målområde", "genomfort", "planerat", "Planerade aktiviteter",
        "maluppfyllelse", "Delvis uppnått", "utfall", "exploatering", "trafik", "farsta",
        dt.datetime(2016, 10, 3, 10, 0), dt.datetime(2016, 10, 20, 9, 0), "Redovisning saknas.", False,
    ),
}  # fmt: skip


def definition(example: Example):
    catalog = load_catalog(resources.default_catalog())
    return load_round(resources.example_round(example.round_id), catalog), catalog


def keys(example: Example, org_id: str) -> list[str]:
    found, catalog = definition(example)
    return [a.key for a in found.assignments_for(org_id, catalog)]


def eml_text(path: Path) -> tuple[str, str]:
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    return str(message["Subject"]), message.get_body(("plain",)).get_content()


def docx_texts(data: bytes) -> list[str]:
    """Every paragraph's text, also inside content controls and tables, in document order."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def xlsx_texts(data: bytes) -> list[str]:
    """Every cell a person sees (not the hidden row of column ids, "remiss:…")."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    return [str(v) for v in cells if not str(v).startswith("remiss:")]


@pytest.fixture(scope="module", params=list(EXAMPLES))
def cycle(request, tmp_path_factory):
    """Create, launch, fill and collect one example round; yields (example, home, results)."""
    example = EXAMPLES[request.param]
    home = tmp_path_factory.mktemp(f"workspace-{example.round_id}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        patch.delenv("REMISS_DATABASE_URL", raising=False)
        path = resources.example_round(example.round_id)
        assert run_json("round", "create", str(path)) == {"id": example.round_id, "created": True}
        launched = run_json("round", "launch", example.round_id)
        backdate_launch(example.round_id, (example.on_time - dt.timedelta(days=28)).date().isoformat())
        inbox = tmp_path_factory.mktemp(f"inkommet-{example.round_id}")
        files = _returned(example, home, inbox)
        ws = Workspace.from_env(home)
        results = collect_paths(open_work(ws, example.round_id, now=example.on_time), files[:4])
        results += collect_paths(open_work(ws, example.round_id, now=example.after), files[4:])
        yield example, home, launched, results


def _returned(example: Example, home: Path, inbox: Path) -> list[Path]:
    """complete: every field but the optional one; refused: bad Excel values; late: Word only."""
    made: list[Path] = []
    general = definition(example)[0].fields.general.id
    for org_id in (example.complete, example.refused, example.late):
        own = keys(example, org_id)
        answers = {f"remiss:{key}:{example.answer}": [f"{org_id} svarar på {key}."] for key in own}
        answers[f"remiss:general:{general}"] = [f"{org_id} har i stort inget att erinra."]
        answers[f"remiss:{own[0]}:{example.answer}"] = [
            f"{org_id} **instämmer** i huvudsak.",
            "- Tidiga insatser",
            "- Samverkan med föreningslivet",
        ]
        word = fill_response_docx(issued(home, example.round_id, org_id, ".docx").read_bytes(), answers)
        (inbox / f"{org_id}.docx").write_bytes(word)
        made.append(inbox / f"{org_id}.docx")
        if org_id == example.late:
            continue
        values: dict[tuple[str, str], str | float] = {(key, example.choice): example.valid for key in own}
        values[(own[0], example.number)] = 12.0
        if org_id == example.refused:
            values[(own[0], example.choice)] = "Kanske"  # not in the list
            values[(own[0], example.number)] = "många"  # text in a number column
        sheet = fill_response_xlsx(issued(home, example.round_id, org_id, ".xlsx").read_bytes(), values)
        (inbox / f"{org_id}.xlsx").write_bytes(sheet)
        made.append(inbox / f"{org_id}.xlsx")
    return made


def test_launch_issues_templates_and_requests_in_the_rounds_words(cycle) -> None:
    example, home, launched, _ = cycle
    found, catalog = definition(example)
    assert len(launched) == len(found.recipient_ids(catalog))
    org_id = example.refused
    own = found.assignments_for(org_id, catalog)
    subject, body = eml_text(home / "outbox" / example.round_id / org_id / "begaran.eml")
    words = found.vocabulary
    assert f"Nämnden berörs av {len(own)} {words.item.many if len(own) > 1 else words.item.one}:" in body
    labels = [c.label for c in found.fields.excel]
    assert f"fyll i kolumnerna ”{labels[0]}”" in body
    assert f"”{labels[-1]}”, en rad per {words.item.one}" in body
    fields = " och ".join(f"”{f.label}”" for f in found.fields.word)
    assert f"{fields} under varje {words.item.one}." in body
    assert not FOREIGN.search(subject + body), body
    word = docx_texts(issued(home, example.round_id, org_id, ".docx").read_bytes())
    first = own[0]
    assert f"{example.group}: {first.report.title}" in word
    assert f"{first.measure.number} {example.item}: {first.measure.title}" in word
    assert not [t for t in word if FOREIGN.search(t)]
    roles = [t for t in word if t.startswith("Nämndens roll")]
    assert bool(roles) == found.shares_responsibility  # a plain remiss: everyone answers everything
    sheet = xlsx_texts(issued(home, example.round_id, org_id, ".xlsx").read_bytes())
    assert example.item in sheet and example.group in sheet
    assert not [t for t in sheet if FOREIGN.search(t)]


def test_roles_are_named_as_the_round_names_them(cycle) -> None:
    example, home, _, _ = cycle
    if example.round_id != "sammanhallen-stad-2016":
        pytest.skip("only the follow-up names its roles")
    body = eml_text(home / "outbox" / example.round_id / "trafik" / "begaran.eml")[1]
    assert "(huvudansvarig)" in body and "(medansvarig)" in body
    word = docx_texts(issued(home, example.round_id, "exploatering", ".docx").read_bytes())
    assert "Nämndens roll: huvudansvarig" in word and "Nämndens roll: medansvarig" in word
    sheet = xlsx_texts(issued(home, example.round_id, "exploatering", ".xlsx").read_bytes())
    assert {"Huvudansvarig", "Medansvarig"} <= set(sheet)


def test_collect_accepts_and_receipts_use_the_rounds_words(cycle) -> None:
    example, home, _, results = cycle
    assert [r.outcome for r in results] == ["accepted"] * 5, [r.reason for r in results]
    receipts = sorted((home / "outbox" / example.round_id / example.complete).glob("kvittens-*.eml"))
    assert len(receipts) == 2
    for receipt in receipts:
        subject, body = eml_text(receipt)
        assert f"per {example.item.lower()}:" in body
        assert not FOREIGN.search(subject + body), body
    refused = (home / "outbox" / example.round_id / example.refused).glob("kvittens-*.eml")
    bodies = [eml_text(p)[1] for p in refused]
    assert any("'Kanske'" in b and "'många'" in b and f"för {example.item.lower()} " in b for b in bodies)


def test_status_and_chase(cycle) -> None:
    example, _, _, _ = cycle
    found, _ = definition(example)
    day = (found.deadline + dt.timedelta(days=7)).isoformat()
    status = {r["organisation"]: r for r in run_json("status", example.round_id, "--today", day)}
    assert status[example.complete]["status"] == "complete", status[example.complete]
    assert status[example.refused]["status"] == "incomplete" and len(status[example.refused]["problems"]) == 2
    assert status[example.late]["status"] == "incomplete" and status[example.late]["late"]
    missing = [r for r in status.values() if r["status"] == "missing"]
    table = run_cli("status", example.round_id, "--today", day)
    summary = f"{len(missing)} saknas av {len(status)}; 1 kom in efter sista svarsdag."
    assert summary in " ".join(table.split())  # the missing ones are not counted as late
    reminders = run_json("chase", example.round_id, "--today", day)
    reminded = {r["organisation"] for r in reminders}
    assert {r["organisation"] for r in missing} | {example.refused, example.late} == reminded
    for reminder in reminders:
        subject, body = eml_text(Path(reminder["eml"]))
        assert not FOREIGN.search(subject + body), body


@pytest.fixture(scope="module")
def annex(cycle, tmp_path_factory):
    example, home, _, _ = cycle
    out = tmp_path_factory.mktemp(f"bilaga-{example.round_id}") / "bilaga.docx"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        result = run_json("annex", example.round_id, "-o", str(out), "--xlsx")
    return example, out, Path(result["xlsx"])


def test_annex_is_headed_in_the_rounds_words(annex) -> None:
    example, out, _ = annex
    found, catalog = definition(example)
    document = docx.Document(io.BytesIO(out.read_bytes()))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    first = found.assignments_for(example.complete, catalog)[0]
    assert ("Heading 3", f"{example.group}: {first.report.title}") in headings
    assert ("Heading 4", f"{first.measure.number} {example.item}: {first.measure.title}") in headings
    texts = [p.text for p in document.paragraphs]
    assert not [t for t in texts if FOREIGN.search(t)]
    assert not [t for t in texts if "Nämndens roll" in t]  # the template's own text is no answer
    described = [m for r in found.reports for m in r.measures if m.description]
    assert any(" ".join(m.description.split()) in texts for m in described) == example.descriptions


def test_annex_marks_only_what_is_required_and_missing(annex) -> None:
    example, out, _ = annex
    found, catalog = definition(example)
    texts = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert not [t for t in texts if t.startswith(example.optional_label)]  # empty optional: nothing
    sent = (example.complete, example.refused, example.late)
    missing = [o for o in found.recipient_ids(catalog) if o not in sent]
    assert texts.count(example.missing_text) == len(missing)  # one per förvaltning that sent nothing


def test_workbook_keeps_refused_values_out_of_the_value_columns(annex) -> None:
    example, _, xlsx = annex
    found, _ = definition(example)
    book = openpyxl.load_workbook(xlsx)
    sheet = book.worksheets[0]
    assert sheet.title == f"Svar per {example.item.lower()}"
    header = [c.value for c in sheet[1]]
    assert header[4:7] == [example.group, example.item, f"{example.item} (rubrik)"]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    labels = {c.id: c.label for c in found.fields.excel}
    first = next(r for r in rows if r["Organisation (id)"] == example.refused)
    assert first[labels[example.choice]] is None and first[labels[example.number]] is None
    assert "'Kanske'" in first["Värden som inte kunde användas"]
    assert "'många'" in first["Värden som inte kunde användas"]
    good = next(r for r in rows if r["Organisation (id)"] == example.complete)
    assert good[labels[example.choice]] == example.valid and good[labels[example.number]] == 12
    assert good["Värden som inte kunde användas"] is None


def test_per_item_annex_in_the_rounds_words(cycle, tmp_path) -> None:
    example, home, _, _ = cycle
    found, catalog = definition(example)
    out = tmp_path / "per-punkt.docx"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        run_json("annex", example.round_id, "-o", str(out), "--by-measure")
    document = docx.Document(io.BytesIO(out.read_bytes()))
    texts = [p.text for p in document.paragraphs]
    assert f"Svaren per {example.item.lower()}" in texts[:5]
    first = found.assignments_for(example.complete, catalog)[0]
    assert f"{example.group}: {first.report.title}" in texts
    assert f"{first.measure.number} {example.item}: {first.measure.title}" in texts
    assert not [t for t in texts if FOREIGN.search(t)]
    if example.round_id == "sammanhallen-stad-2016":
        roles = "Huvudansvarig: Trafikkontoret. Medansvarig: Exploateringskontoret, Stadsbyggnadskontoret."
        assert roles in texts  # goal 1.2


def test_appendix_lists_refused_values_briefly(annex) -> None:
    example, out, _ = annex
    found, _ = definition(example)
    document = docx.Document(io.BytesIO(out.read_bytes()))
    rows = {row.cells[0].text: [c.text for c in row.cells[1:]] for t in document.tables for row in t.rows}
    name = load_catalog(resources.default_catalog()).by_id[example.refused].forvaltning
    labels = {c.id: c.label for c in found.fields.excel}
    first = found.assignments_for(example.refused, load_catalog(resources.default_catalog()))[0]
    assert rows[name][0] == "ofullständig"
    assert rows[name][-1] == (
        f"{first.measure.number} {labels[example.choice]} (ogiltigt värde), "
        f"{first.measure.number} {labels[example.number]} (ogiltigt värde)"
    )
