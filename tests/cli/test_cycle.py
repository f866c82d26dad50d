"""The whole cycle through the real CLI, on real files filled the way a nämnd fills them."""

from __future__ import annotations

import io
import shutil

import docx
import pytest
from tests.helpers import backdate_launch, issued, rewrite_member, run_json

from remiss import resources
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.word.fill import fill_response_docx

ROUND = "sh-2016"
KOMMENTAR = "remiss:samverkan/4.1.1:kommentar"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def home(request, tmp_path_factory):
    """The same cycle on both back ends: SQLite in the workspace, and a fresh PostgreSQL database."""
    home = tmp_path_factory.mktemp(f"workspace-{request.param}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        if request.param == "postgresql":
            patch.setenv("REMISS_DATABASE_URL", request.getfixturevalue("pg_database")())
        assert run_json("round", "create", str(resources.bundled_round())) == {"id": ROUND, "created": True}
        run_json("round", "launch", ROUND)
        backdate_launch(ROUND, "2016-04-11")  # the 2016 calendar the tests replay
        assert (home / "remiss.db").exists() == (request.param == "sqlite")
        yield home


def _fill_bromma(home, tmp_path, extra: str = "") -> tuple:
    org_answers = {f"remiss:{key}:kommentar": [f"Bromma svarar på {key}.{extra}"] for key in _bromma_keys()}
    org_answers[KOMMENTAR] = [
        "Nämnden **stöder** lotsfunktionen och vill *pröva den* i Åkeshov.",
        "- Lotsen placeras i medborgarkontoret",
        "- Föreningsträffar fyra gånger per år",
        f"Ett andra stycke.{extra}",
    ]
    word = fill_response_docx(issued(home, ROUND, "bromma", ".docx").read_bytes(), org_answers)
    values = {(key, "tidshorisont"): "Inför budget 2017" for key in _bromma_keys()}
    excel = fill_response_xlsx(issued(home, ROUND, "bromma", ".xlsx").read_bytes(), values)
    word_path, excel_path = tmp_path / "Brommas svar (slutlig).docx", tmp_path / "prio.xlsx"
    word_path.write_bytes(word)
    excel_path.write_bytes(excel)
    return word_path, excel_path


def _bromma_keys() -> list[str]:
    from remiss.domain.loading import load_catalog, load_round

    catalog = load_catalog(resources.default_catalog())
    definition = load_round(resources.bundled_round(), catalog)
    return [a.key for a in definition.assignments_for("bromma", catalog)]


def test_launch_issues_one_docx_xlsx_and_eml_per_recipient_and_never_twice(home):
    folders = sorted(p.name for p in (home / "outbox" / ROUND).iterdir())
    assert len(folders) == 31
    bromma = home / "outbox" / ROUND / "bromma"
    later = ("kvittens-", "paminnelse-")  # receipts and reminders other tests may have caused
    launched = sorted(p.name for p in bromma.iterdir() if not p.name.startswith(later))
    assert launched == ["begaran.eml", f"remissvar-{ROUND}-bromma.docx", f"remissvar-{ROUND}-bromma.xlsx"]
    assert run_json("round", "launch", ROUND) == []


@pytest.fixture(scope="module")
def bromma_files(home, tmp_path_factory):
    return _fill_bromma(home, tmp_path_factory.mktemp("bromma"))


@pytest.fixture(scope="module")
def bromma_collected(home, bromma_files) -> list[dict]:
    """Bromma's first answer, collected once per back end for every test that needs it in."""
    word, excel = bromma_files
    return run_json("collect", ROUND, str(word), str(excel))


@pytest.fixture(scope="module")
def bromma_revised(home, bromma_collected, tmp_path_factory) -> list[dict]:
    """Bromma's second version of the Word file, after its first answer."""
    word, _ = _fill_bromma(home, tmp_path_factory.mktemp("reviderad"), extra=" Reviderad.")
    return run_json("collect", ROUND, str(word))


def test_renamed_return_is_attributed_and_answers_kept(home, bromma_collected):
    assert [(r["outcome"], r["organisation"]) for r in bromma_collected] == [("accepted", "bromma")] * 2
    status = {row["organisation"]: row for row in run_json("status", ROUND)}
    assert status["bromma"]["status"] == "complete", status["bromma"]
    assert status["farsta"]["status"] == "missing"


def test_same_file_twice_is_a_duplicate(home, bromma_files, bromma_collected, tmp_path):
    word, _ = bromma_files
    copy = tmp_path / "kopia.docx"
    shutil.copy(word, copy)
    results = run_json("collect", ROUND, str(copy))
    assert results[0]["outcome"] == "duplicate"


def test_relabelled_file_is_rejected_and_quarantined(home, tmp_path):
    original = issued(home, ROUND, "farsta", ".docx").read_bytes()
    forged = rewrite_member(
        original, "docProps/custom.xml", lambda xml: xml.replace(b">farsta<", b">bromma<")
    )
    assert forged != original
    path = tmp_path / "farsta.docx"
    path.write_bytes(forged)
    results = run_json("collect", ROUND, str(path), expect=3)
    assert results[0]["outcome"] == "rejected"
    assert "kontrollkod" in results[0]["reason"]
    assert any((home / "quarantine").glob("*farsta.docx"))


def test_second_version_supersedes_and_both_are_kept(home, bromma_revised):
    assert bromma_revised[0]["outcome"] == "superseded"
    assert len(list((home / "archive" / ROUND / "bromma").glob("*.docx"))) == 2


def test_chase_reminds_missing_once_per_day(home, bromma_collected):
    first = run_json("chase", ROUND, "--today", "2016-04-25")
    assert "bromma" not in {r["organisation"] for r in first}
    assert {r["organisation"] for r in first} >= {"farsta", "kungsholmen"}
    again = run_json("chase", ROUND, "--today", "2016-04-25")
    assert not any(r["new"] for r in again)
    eml = (home / "outbox" / ROUND / "farsta" / "paminnelse-2016-04-25.eml").read_text()
    assert "Påminnelse" in eml or "P=C3=A5minnelse" in eml


def test_annex_has_groups_in_order_missing_marked_and_bromma_formatting(home, bromma_revised, tmp_path):
    out = tmp_path / "bilaga.docx"
    assert run_json("annex", ROUND, "-o", str(out))["annex"] == str(out)
    document = docx.Document(io.BytesIO(out.read_bytes()))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert level1 == ["Fackförvaltningar", "Stadsdelsförvaltningar", "Sammanställning av svaren"]
    headings = headings[: headings.index(("Heading 1", "Sammanställning av svaren"))]  # before the appendix
    level2 = [text for style, text in headings if style == "Heading 2"]
    assert len(level2) == 31
    assert level2.index("Bromma") == 17 and level2[-1] == "Östermalm"
    texts = [p.text for p in document.paragraphs]
    assert texts.count("Skrivning saknas.") >= 30  # everyone but Bromma
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "stöder" in bold
    assert any("Reviderad." in t for t in texts)  # the current version is used
