"""Issue 17, point 7: a full disk and a read-only REMISS_HOME, through the real console script.

REMISS_HOME lives on a tmpfs of its own (mounted as root), shrunk to just above what the
launched round uses: `remiss collect` and `remiss annex` must say in Swedish what failed and
where, exit non-zero, leave no temporary file, keep the earlier annex intact, and a rerun
after space is freed must take every file. Skipped where tmpfs cannot be mounted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.intake import corpus as c
from tests.intake.console import run_remiss, snapshot

from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import ReceivedFileRow

pytestmark = pytest.mark.slow
# The steps between the two full disks run as plain calls (no Prefect start for each); the
# runs that meet a full disk take the path 24 files take, a flow on Prefect's ephemeral API.
SET_UP = {"REMISS_SMALL_WORK": "1000"}


def _mount(point: Path, size: str) -> bool:
    point.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)], capture_output=True
    )
    return done.returncode == 0


def _remount(point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(point)], check=True, capture_output=True)


def _used_kb(point: Path) -> int:
    stat = os.statvfs(point)
    return (stat.f_blocks - stat.f_bfree) * stat.f_frsize // 1024


@pytest.fixture()
def small_home(tmp_path):
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    point = tmp_path / "mnt"
    if not _mount(point, "64m"):
        pytest.skip("tmpfs cannot be mounted here")
    home = point / "home"
    try:
        ws = c.launched(home)
        open_database(ws.database_url).dispose()
        yield point, ws
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _temporary_files(home: Path) -> list[Path]:
    return [p for p in home.rglob("*") if p.name.endswith(".tmp")]


def test_full_disk_during_collect_and_annex_then_the_rerun_takes_every_file(small_home, tmp_path):
    point, ws = small_home
    home = ws.home
    cwd, inbox = tmp_path / "cwd", tmp_path / "inkommet"
    cwd.mkdir()
    inbox.mkdir()
    orgs = open_work(ws, c.ROUND).round.recipient_ids[:24]
    for n, org in enumerate(orgs):
        path = inbox / f"{org}.docx"
        path.write_bytes(c.fill_word(ws, org, " Ett längre svar." * 400))
        os.utime(path, (1_600_000_000 + n, 1_600_000_000 + n))
    wanted = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
    outside = snapshot(inbox, cwd)
    _remount(point, f"size={_used_kb(point) + 400}k")

    run = run_remiss(home, "collect", c.ROUND, str(inbox), "--json", cwd=cwd)
    assert run.code == 2, (run.code, run.out, run.err)
    assert "Traceback" not in run.err and "Fel:" in run.err, run.err[-4000:]
    assert "disken är full" in run.err or "database or disk is full" in run.err, run.err
    assert _temporary_files(home) == [] and snapshot(inbox, cwd) == outside

    _remount(point, "size=64m")  # space freed
    run = run_remiss(home, "collect", c.ROUND, str(inbox), "--json", cwd=cwd, env=SET_UP)
    assert run.code == 0, run.err
    results = json.loads(run.out)
    assert {r["outcome"] for r in results} <= {"accepted", "duplicate"}
    with open_database(ws.database_url).session() as session:
        stored = dict(session.execute(select(ReceivedFileRow.sha256, ReceivedFileRow.status)).all())
    assert set(stored) == wanted and set(stored.values()) == {"accepted"}

    annex = home / "bilaga.docx"
    first = run_remiss(home, "annex", c.ROUND, "-o", str(annex), cwd=cwd, env=SET_UP)
    assert first.code == 0, first.err
    earlier = annex.read_bytes()
    for n, org in enumerate(orgs):  # new versions, so the next annex differs
        path = inbox / f"{org} v2.docx"
        path.write_bytes(c.fill_word(ws, org, " Reviderat." * 600))
        os.utime(path, (1_700_000_000 + n, 1_700_000_000 + n))
    assert run_remiss(home, "collect", c.ROUND, str(inbox), cwd=cwd, env=SET_UP).code == 0
    _remount(point, f"size={_used_kb(point) + 4}k")
    full = run_remiss(home, "annex", c.ROUND, "-o", str(annex), cwd=cwd)
    assert full.code == 2 and "Traceback" not in full.err, full.err
    assert "kunde inte skrivas" in full.err or "database or disk is full" in full.err, full.err
    assert annex.read_bytes() == earlier and _temporary_files(home) == []


def test_read_only_home_is_said_in_swedish(small_home, tmp_path):
    _point, ws = small_home
    cwd, inbox = tmp_path / "cwd", tmp_path / "inkommet"
    cwd.mkdir()
    inbox.mkdir()
    (inbox / "svar.docx").write_bytes(c.fill_word(ws, "bromma"))
    outside = snapshot(inbox, cwd)
    read_only = tmp_path / "ro"  # the same home, mounted read-only elsewhere (as a share can be)
    read_only.mkdir()
    subprocess.run(["mount", "--bind", str(ws.home), str(read_only)], check=True, capture_output=True)
    try:
        _remount(read_only, "bind,ro")
        run = run_remiss(read_only, "collect", c.ROUND, str(inbox), cwd=cwd)
    finally:
        subprocess.run(["umount", "-l", str(read_only)], capture_output=True)
    assert run.code == 2 and "Traceback" not in run.err, (run.out, run.err)
    assert "Fel:" in run.err and (
        "skrivskyddad" in run.err or "readonly" in run.err or "kan inte nås" in run.err
    )
    assert snapshot(inbox, cwd) == outside
