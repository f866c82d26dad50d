"""Issue 17, points 8 and 9, through the real console script: a file that names its nämnd without a
token never replaces a token-verified answer by itself, and versions follow when files were sent.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.intake import corpus as c
from tests.intake.console import run_remiss, snapshot

from remiss.errors import StateError
from remiss.services.intake.pending import confirm_pending
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database
from remiss.store.schema import AnswerRow, ReceivedFileRow

pytestmark = pytest.mark.slow


@pytest.fixture()
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("REMISS_HOME", str(home))
    c.launched(home)
    open_database(Workspace.from_env(home).database_url).dispose()
    return home


def _files(folder: Path, files: dict[str, bytes], first_mtime: int = 1_600_000_000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, (name, data) in enumerate(files.items()):
        (folder / name).write_bytes(data)
        os.utime(folder / name, (first_mtime + n, first_mtime + n))
    return folder


def _rows(home: Path, org: str, kind: str = "docx") -> list[ReceivedFileRow]:
    ws = Workspace.from_env(home)
    with open_database(ws.database_url).session() as session:
        return list(
            session.scalars(
                select(ReceivedFileRow)
                .where(ReceivedFileRow.organisation_id == org, ReceivedFileRow.kind == kind)
                .order_by(ReceivedFileRow.id)
            )
        )


def _current_text(home: Path, org: str) -> str:
    ws = Workspace.from_env(home)
    (current,) = [r for r in _rows(home, org) if r.is_current]
    with open_database(ws.database_url).session() as session:
        return " ".join(session.scalars(select(AnswerRow.text).where(AnswerRow.file_id == current.id)))


def test_a_file_named_like_bromma_without_a_token_waits_for_a_coordinator(home, tmp_path):
    ws = Workspace.from_env(home)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    first = _files(tmp_path / "in1", {"Brommas svar.docx": c.fill_word(ws, "bromma", " Äkta.")})
    run = run_remiss(home, "collect", c.ROUND, str(first), "--json", cwd=cwd)
    assert run.code == 0, run.err
    forged = c.strip_reference(c.strip_properties(c.fill_word(ws, "bromma", " Förfalskad.")))
    second = _files(
        tmp_path / "in2",
        {"remissvar-sh-2016-bromma.docx": forged, "kultur.docx": c.fill_word(ws, "kultur")},
        first_mtime=1_700_000_000,
    )
    outside = snapshot(tmp_path / "in1", second, cwd)
    run = run_remiss(home, "collect", c.ROUND, str(second), "--json", cwd=cwd)
    assert run.code == 0, run.err
    by_name = {Path(r["file"]).name: r for r in json.loads(run.out)}
    weak, other = by_name["remissvar-sh-2016-bromma.docx"], by_name["kultur.docx"]
    assert (weak["outcome"], weak["organisation"], weak["identified_by"]) == ("pending", "bromma", "filnamn")
    assert "förrän samordnaren bekräftar den" in weak["reason"]
    assert other["outcome"] == "accepted"  # the rest of the folder is taken
    assert "Äkta." in _current_text(home, "bromma")  # the verified answer still holds
    receipt = email.message_from_bytes(Path(weak["receipt"]).read_bytes(), policy=email.policy.default)
    assert "väntar på att samordnaren bekräftar den" in " ".join(receipt.get_content().split())
    assert snapshot(tmp_path / "in1", second, cwd) == outside  # nothing written outside REMISS_HOME

    status = run_remiss(home, "status", c.ROUND, "--json", cwd=cwd)
    (bromma,) = [s for s in json.loads(status.out) if s["organisation"] == "bromma"]
    assert bromma["pending"] == ["remissvar-sh-2016-bromma.docx"] and bromma["versions"] == 1
    table = run_remiss(home, "status", c.ROUND, cwd=cwd).out
    assert "väntar på bekräftelse: remissvar-sh-2016-bromma.docx" in table

    # A weak file sent again (another copy) waits too; confirming makes it the current version.
    work = open_work(ws, c.ROUND, by="samordnare")
    pending = [r for r in _rows(home, "bromma") if r.status == "pending"]
    assert [(r.version, r.is_current) for r in pending] == [(None, False)]
    with pytest.raises(StateError, match="identifierades som bromma, inte kultur"):
        confirm_pending(work, pending[0].sha256[:12], "kultur")
    done = confirm_pending(work, pending[0].sha256[:12], "bromma")
    assert (done.organisation, done.version) == ("bromma", 2)
    assert "Förfalskad." in _current_text(home, "bromma")
    with pytest.raises(StateError, match="väntar inte på bekräftelse"):
        confirm_pending(work, "remissvar-sh-2016-bromma.docx")
    status = run_remiss(home, "status", c.ROUND, "--json", cwd=cwd)
    (bromma,) = [s for s in json.loads(status.out) if s["organisation"] == "bromma"]
    assert bromma["pending"] == [] and bromma["versions"] == 2


def test_the_file_sent_last_is_current_whatever_order_the_runs_take_them_in(home, tmp_path):
    """The newer file collected first, the older one in a later run: the newer stays current."""
    ws = Workspace.from_env(home)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    older = _files(tmp_path / "old", {"svar.docx": c.fill_word(ws, "farsta", " Gammal.")}, 1_600_000_000)
    newer = _files(tmp_path / "new", {"svar.docx": c.fill_word(ws, "farsta", " Ny.")}, 1_600_000_100)
    assert run_remiss(home, "collect", c.ROUND, str(newer), cwd=cwd).code == 0
    run = run_remiss(home, "collect", c.ROUND, str(older), "--json", cwd=cwd)
    assert run.code == 0, run.err
    (result,) = json.loads(run.out)
    assert result["outcome"] == "superseded" and "skickades före den gällande versionen" in result["reason"]
    receipt = email.message_from_bytes(Path(result["receipt"]).read_bytes(), policy=email.policy.default)
    assert "Den skickades före den version som gäller nu" in " ".join(receipt.get_content().split())
    assert "Ny." in _current_text(home, "farsta")
    # In one folder, many organisations with two versions each over the flow's concurrent tasks.
    mixed = tmp_path / "mixed"
    orgs = open_work(ws, c.ROUND).round.recipient_ids[:10]
    files: dict[str, bytes] = {}
    for org in orgs:
        files[f"{org} v1.docx"] = c.fill_word(ws, org, " Version ett.")
    for org in orgs:
        files[f"{org} v2.docx"] = c.fill_word(ws, org, " Version två.")
    _files(mixed, files, 1_650_000_000)
    run = run_remiss(home, "collect", c.ROUND, str(mixed), "--json", cwd=cwd, env={"REMISS_FLOW_TASKS": "4"})
    assert run.code == 0, run.err
    for org in orgs:
        assert "Version två." in _current_text(home, org), org
