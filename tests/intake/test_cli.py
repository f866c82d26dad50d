"""`remiss collect` through the real CLI: names as mail clients deliver them, the table, the JSON."""

from __future__ import annotations

import json
import unicodedata

import pytest
from tests.helpers import run_cli
from tests.intake import corpus as c


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    home = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        patch.setenv("COLUMNS", "400")  # one table row per line
        yield c.launched(home)


def test_collect_prints_a_table_of_every_file_and_skips_lock_files(workspace, tmp_path):
    nfd = unicodedata.normalize("NFD", "Svar från Östermalm.docx")
    files = {
        nfd: c.fill_word(workspace, "ostermalm"),
        "SVAR KULTUR.DOCX": c.fill_word(workspace, "kultur"),
        "Prio Bromma 2016.xlsx": c.fill_excel(workspace, "bromma"),
        "gammal.doc": c.legacy_word(),
        ".DS_Store": b"\0\0\0\1Bud1",
        "~$AR KULTUR.DOCX": b"\x0bHandl\xe4ggare",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert (tmp_path / nfd).exists() and not (tmp_path / "Svar från Östermalm.docx").exists()
    output = run_cli("collect", c.ROUND, str(tmp_path), expect=3)
    lines = output.splitlines()
    header = next(line for line in lines if "Fil" in line and "Utfall" in line)
    assert "Organisation" in header and "Identifierad genom" in header and "Anmärkning" in header
    row = {name: next(line for line in lines if name in line) for name in ("SVAR KULTUR.DOCX", "gammal.doc")}
    assert "mottagen" in row["SVAR KULTUR.DOCX"] and "kultur" in row["SVAR KULTUR.DOCX"]
    assert "egenskaper" in row["SVAR KULTUR.DOCX"]
    assert "avvisad" in row["gammal.doc"] and "äldre Office-formatet (.doc)" in row["gammal.doc"]
    assert any(unicodedata.normalize("NFC", line).count("Svar från Östermalm.docx") for line in lines)
    assert "3 mottagna, 1 avvisad av 4 filer." in output
    assert ".DS_Store" not in output and "~$" not in output


def test_collect_json_says_how_each_file_was_identified_and_where_its_receipt_is(workspace, tmp_path):
    renamed = c.strip_reference(c.strip_properties(c.fill_word(workspace, "farsta")))
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "remissvar-sh-2016-farsta.docx").write_bytes(renamed)
    [first] = json.loads(run_cli("collect", c.ROUND, str(tmp_path / "first"), "--json"))
    assert set(first) == {
        "file",
        "outcome",
        "organisation",
        "identified_by",
        "reason",
        "late",
        "warnings",
        "receipt",
    }
    assert (first["outcome"], first["organisation"], first["identified_by"]) == (
        "accepted",
        "farsta",
        "filnamn",
    )
    assert "identifierades genom filnamnet" in first["warnings"][0]
    assert first["receipt"].endswith(".eml") and "kvittens-" in first["receipt"]
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "kopia.docx").write_bytes(renamed)
    [copy] = json.loads(run_cli("collect", c.ROUND, str(tmp_path / "again"), "--json"))
    assert (copy["outcome"], copy["organisation"], copy["receipt"]) == ("duplicate", "farsta", None)
    assert copy["reason"].startswith("Samma fil som remissvar-sh-2016-farsta.docx, mottagen ")


def test_collecting_a_refused_file_again_says_it_was_refused_in_stockholm_time(workspace, tmp_path):
    from remiss.domain.calendar import STOCKHOLM
    from remiss.services.work import open_work
    from remiss.store.schema import ReceivedFileRow

    for name in ("first", "again"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "gammal.doc").write_bytes(c.legacy_word() + b"\0en annan version")
    run_cli("collect", c.ROUND, str(tmp_path / "first"), expect=3)
    output = run_cli("collect", c.ROUND, str(tmp_path / "again"))
    line = next(line for line in output.splitlines() if "gammal.doc" in line)
    assert "dubblett, redan avvisad" in line
    with open_work(workspace, c.ROUND).db.session() as session:
        row = (
            session.query(ReceivedFileRow)
            .filter_by(original_name="gammal.doc", status="rejected")
            .order_by(ReceivedFileRow.id.desc())
            .first()
        )
        local = row.received_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    assert f"som avvisades {local}" in " ".join(output.split())


def test_at_80_columns_the_table_names_files_and_an_unchanged_template_is_said_once(
    workspace, tmp_path, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "80")
    (tmp_path / "deep" / "folder" / "with" / "a" / "long" / "name").mkdir(parents=True)
    blank = tmp_path / "deep" / "folder" / "with" / "a" / "long" / "name" / "mall.docx"
    blank.write_bytes(c.issued(workspace, "exploatering", ".docx"))
    output = run_cli("collect", c.ROUND, str(blank))
    flat = " ".join(output.split())
    first = next(line for line in output.splitlines() if line.startswith("│ ") and "Fil" not in line)
    assert first.split("│")[1].strip() == "mall.docx"  # the name, not the path
    assert flat.replace("│", "").count("ifyllda") == 1, output
    assert "1 ofullständig av 1 fil." in flat
    [row] = json.loads(run_cli("collect", c.ROUND, str(blank), "--json"))
    assert row["file"] == str(blank)  # the JSON keeps the path
    narrow = run_cli("status", c.ROUND)  # no room for the column: the items under the table, whole
    assert (
        "  Exploateringskontoret: 6.2.1 (skola) Kommentar; 6.1.1 Kommentar;\n    6.1.2 Kommentar;" in narrow
    )
    monkeypatch.setenv("COLUMNS", "200")
    wide = next(line for line in run_cli("status", c.ROUND).splitlines() if "Exploateringskontoret" in line)
    assert wide.rstrip().endswith(
        "6.2.1 (skola) Kommentar; 6.1.1 Kommentar; 6.1.2 Kommentar; 6.1.3 Kommentar; … (+3)"
    )
