"""Issue 17, points 1 and 6: a file's name is data. Whatever it holds (newlines, ESC/BEL, 400
bytes, bytes that are not UTF-8), the file is taken, stored under a name remiss makes, its
name kept as sent, and shown cleaned wherever it is written (receipts, sidecars, workbooks).
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import itertools
import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import select
from tests.intake import corpus as c
from tests.intake.console import run_remiss, snapshot

from remiss.services.files import STORED_NAME_BYTES, display_name, name_from_path
from remiss.services.intake.collect import SIDECAR, collect_file
from remiss.services.intake.pool import IntakeLimits, IntakePool
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database
from remiss.store.schema import ReceivedFileRow

_COUNTER = itertools.count()


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    home = tmp_path_factory.mktemp("names")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        yield c.launched(home)


@pytest.fixture(scope="module")
def pool():
    pool = IntakePool(IntakeLimits(workers=0))
    yield pool
    pool.close()


def _row(ws: Workspace, digest_of: bytes) -> ReceivedFileRow:
    with open_database(ws.database_url).session() as session:
        return session.scalars(
            select(ReceivedFileRow).where(ReceivedFileRow.sha256 == hashlib.sha256(digest_of).hexdigest())
        ).one()


def _check_stored(ws: Workspace, row: ReceivedFileRow) -> None:
    stored = Path(row.stored_path)
    assert stored.is_file() and stored.is_relative_to(ws.home)
    assert len(stored.name.encode()) <= 13 + STORED_NAME_BYTES
    if row.status == "rejected":
        lines = stored.with_name(stored.name + SIDECAR).read_text(encoding="utf-8").splitlines()
        assert (
            len(lines) == 4 and lines[1] == f"kod: {row.reason_code}" and lines[2] == f"sha256: {row.sha256}"
        )


names = st.text(min_size=1, max_size=400).filter(lambda n: 1 <= len(n.encode("utf-8")) <= 400)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names)
def test_any_name_as_sent_by_mail_is_taken_and_kept_as_data(ws, pool, tmp_path_factory, name):
    """As `remiss fetch` hands names over: saved under a made name, the name as sent given along."""
    data = f"inte ett svar {next(_COUNTER)}".encode()
    path = tmp_path_factory.mktemp("mail") / "001-fil"
    path.write_bytes(data)
    result = collect_file(open_work(ws, c.ROUND), path, pool=pool, name=name)
    assert result.outcome == "rejected" and result.code == "not-zip"
    row = _row(ws, data)
    assert row.original_name == unicodedata.normalize("NFC", name.replace("\0", "\ufffd"))
    assert display_name(name) in result.reason or "kunde inte" in result.reason
    _check_stored(ws, row)


disk_names = st.binary(min_size=1, max_size=255).filter(
    lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=disk_names)
def test_any_name_on_disk_is_taken_and_kept_as_data(ws, pool, tmp_path_factory, raw):
    """Any bytes a file system allows (newlines, ESC, Latin-1 from a Windows zip, 255 bytes)."""
    data = f"inte heller ett svar {next(_COUNTER)}".encode()
    folder = tmp_path_factory.mktemp("disk")
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), raw)))
    path.write_bytes(data)
    result = collect_file(open_work(ws, c.ROUND), path, pool=pool)
    assert result.outcome == "rejected"
    json.dumps(result.file, ensure_ascii=False).encode("utf-8")  # reportable as it is
    row = _row(ws, data)
    assert row.original_name == name_from_path(path)
    row.original_name.encode("utf-8")
    _check_stored(ws, row)


@pytest.mark.slow
def test_hostile_names_through_the_console_script(ws, tmp_path):
    """A folder with the names of issue 17: every file taken, receipts written, the rerun clean."""
    home = ws.home
    cwd, inbox = tmp_path / "cwd", tmp_path / "inkommet"
    cwd.mkdir()
    inbox.mkdir()
    files = {
        "svar\nfrån bromma.docx".encode(): c.fill_word(ws, "bromma"),
        ("k" * 245 + ".docx").encode(): c.fill_word(ws, "kultur"),
        ("ä" * 120 + ".docx").encode(): c.fill_word(ws, "farsta"),
        "svar från idrott.docx".encode("latin-1"): c.fill_word(ws, "idrott"),
        b"svar\x1b[31m\x07 trafik.docx": c.fill_word(ws, "trafik"),
        b"ok.docx": c.fill_word(ws, "ostermalm"),
        b"fel\nkod: ok\nsha256: 0000.docx": b"inte ett svar",
    }
    for raw, data in files.items():
        with open(os.path.join(os.fsencode(inbox), raw), "wb") as out:
            out.write(data)
    outside = snapshot(inbox, cwd)
    run = run_remiss(home, "collect", c.ROUND, str(inbox), "--json", cwd=cwd)
    assert run.code == 3, run.err  # one file refused, the rest taken
    assert "Traceback" not in run.err
    results = json.loads(run.out)
    assert sorted(r["outcome"] for r in results) == ["accepted"] * 6 + ["rejected"]
    for result in results:
        if result["receipt"]:
            receipt = email.message_from_bytes(
                Path(result["receipt"]).read_bytes(), policy=email.policy.default
            )
            assert "\n" not in str(receipt["Subject"]) and "\x1b" not in str(receipt["Subject"])
    with open_database(ws.database_url).session() as session:
        names = set(session.scalars(select(ReceivedFileRow.original_name)))
    assert {"svar\nfrån bromma.docx", "svar från idrott.docx", "ä" * 120 + ".docx"} <= names
    (refused,) = [r for r in results if r["outcome"] == "rejected"]
    sidecars = list((home / "quarantine").glob(f"*{SIDECAR}"))
    sidecar = next(p for p in sidecars if "fel" in p.name).read_text(encoding="utf-8").splitlines()
    assert sidecar[1] == "kod: not-zip" and sidecar[3] == "fil: fel_kod: ok_sha256: 0000.docx"
    assert len(sidecar) == 4 and refused["reason"] in sidecar[0]

    rerun = run_remiss(home, "collect", c.ROUND, str(inbox), "--json", cwd=cwd)
    assert rerun.code == 0 and {r["outcome"] for r in json.loads(rerun.out)} == {"duplicate"}, rerun.err
    table = run_remiss(home, "collect", c.ROUND, str(inbox), cwd=cwd)
    assert table.code == 0 and "\x1b[31m" not in table.out and "\x07" not in table.out
    workbook = home / "bevakning.xlsx"
    status = run_remiss(home, "status", c.ROUND, "--xlsx", str(workbook), cwd=cwd)
    assert status.code == 0, status.err
    cells = [str(v) for row in load_workbook(workbook).active.iter_rows(values_only=True) for v in row if v]
    assert not any("\x1b" in v or "\x07" in v for v in cells)
    assert snapshot(inbox, cwd) == outside  # nothing written outside REMISS_HOME
