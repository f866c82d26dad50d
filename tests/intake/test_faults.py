"""Faults: the real `remiss collect` killed mid-folder, and two of them at once.

A folder of 200 files (honest answers and second versions, broken and forged files, and
the same bytes under other names) is collected by the installed console script in its
own process group. Either way every file must end up accounted for exactly once: one
row per distinct content, nothing missing, versions without gaps, every refusal in
quarantine, every accepted file with its answers and one receipt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from tests.intake import corpus as c

from remiss.services.intake.collect import SIDECAR
from remiss.services.work import open_work
from remiss.store.database import open_database

pytestmark = pytest.mark.slow
FILES = 200


def remiss_command() -> list[str]:
    script = Path(sys.executable).with_name("remiss")
    return [str(script)] if script.exists() else [sys.executable, "-m", "remiss.cli"]


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """A launched workspace (database + issued templates) and a folder of 200 returned files."""
    home = tmp_path_factory.mktemp("seed")
    ws = c.launched(home)
    ctx = open_work(ws, c.ROUND).round
    inbox = tmp_path_factory.mktemp("inkommet")
    files: list[tuple[str, bytes]] = []
    custom = "docProps/custom.xml"
    for i, org in enumerate(ctx.recipient_ids):
        word = c.fill_word(ws, org)
        files += [
            (f"{org} svar.docx", word),
            (f"{org} prioritering.xlsx", c.fill_excel(ws, org)),
            (f"{org} svar v2.docx", c.fill_word(ws, org, " Reviderad.")),
            (f"{org} avbruten.docx", word[: len(word) // 2]),
        ]
        if i % 3 == 0:
            files.append((f"{org} makro.docx", c.with_macros(word)))
        else:
            forged = c.fill_word(ws, org, " Förfalskad.")
            target = b">bromma<" if org != "bromma" else b">farsta<"
            files.append(
                (
                    f"{org} omdopt.docx",
                    c.rewrite(forged, {custom: c.replace_bytes(f">{org}<".encode(), target)}),
                )
            )
    originals = list(files)
    for n in range(FILES - len(files)):  # the same bytes arriving under another name
        name, data = originals[(n * 7) % len(originals)]
        files.append((f"kopia {n} av {name}", data))
    assert len(files) == FILES
    for n, (name, data) in enumerate(files):
        path = inbox / name
        path.write_bytes(data)
        os.utime(path, (1_600_000_000 + n, 1_600_000_000 + n))  # collected in this order
    fields = {}
    for org in ctx.recipient_ids:  # what one accepted file of each kind stores
        measures = len(ctx.assignments(org))
        fields[(org, "docx")] = 1 + measures * len(ctx.definition.fields.word)
        fields[(org, "xlsx")] = measures * len(ctx.definition.fields.excel)
    open_database(ws.database_url).dispose()
    with sqlite3.connect(home / "remiss.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home, inbox, fields


def fresh_home(seed, tmp_path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(seed[0], home)
    return home


def start(home: Path, inbox: Path, prefect_home: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "REMISS_HOME": str(home), "PREFECT_HOME": str(prefect_home)}
    env.pop("REMISS_DATABASE_URL", None)
    prefect_home.mkdir(exist_ok=True)
    return subprocess.Popen(
        [*remiss_command(), "collect", c.ROUND, str(inbox), "--json"],
        env=env,
        stdout=log.open("wb"),
        stderr=log.with_suffix(".err").open("wb"),
        start_new_session=True,  # its own process group: the kill takes its workers too
    )


def row_count(home: Path) -> int:
    try:
        with sqlite3.connect(f"file:{home / 'remiss.db'}?mode=ro", uri=True, timeout=5) as db:
            return db.execute("SELECT count(*) FROM received_files").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def finish(process: subprocess.Popen, log: Path, timeout: float = 600) -> list[dict]:
    code = process.wait(timeout=timeout)
    assert code in (0, 3), log.with_suffix(".err").read_text(errors="replace")[-3000:]
    return json.loads(log.read_text())


def assert_accounted_once(home: Path, inbox: Path, fields: dict[tuple[str, str], int]) -> Counter:
    """One row per distinct content, every row backed by its bytes and answers, versions gapless."""
    wanted = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
    db = sqlite3.connect(home / "remiss.db")
    columns = "id, sha256, status, organisation_id, kind, version, is_current, stored_path, reason_code"
    rows = db.execute(f"SELECT {columns} FROM received_files").fetchall()
    shas = [r[1] for r in rows]
    assert len(shas) == len(set(shas)), "a file was recorded twice"
    assert set(shas) == wanted, f"missing {len(wanted - set(shas))}, unexpected {len(set(shas) - wanted)}"
    read = Counter(dict(db.execute("SELECT file_id, count(*) FROM answers GROUP BY file_id").fetchall()))
    read.update(dict(db.execute("SELECT file_id, count(*) FROM excel_values GROUP BY file_id").fetchall()))
    receipts = Counter(k for (k,) in db.execute("SELECT key FROM outbox WHERE kind = 'receipt'"))
    versions: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for file_id, sha, status, org, kind, version, current, stored, code in rows:
        kept = Path(stored)
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == sha
        if status == "rejected":
            assert kept.parent == home / "quarantine" and code
            assert f"sha256: {sha}" in kept.with_name(kept.name + SIDECAR).read_text(encoding="utf-8")
            continue
        versions[(org, kind)].append((version, current))
        assert receipts[f"receipt:{sha}"] == 1, stored
        assert read[file_id] == fields[(org, kind)], f"{stored}: {read[file_id]} answers stored"
    for key, found in versions.items():
        assert sorted(v for v, _ in found) == list(range(1, len(found) + 1)), key
        assert sum(current for _, current in found) == 1, key
    assert len(receipts) == sum(len(v) for v in versions.values())
    for folder in (home / "archive", home / "quarantine"):
        for kept in folder.rglob("*"):
            if kept.is_file() and not kept.name.startswith(".") and not kept.name.endswith(SIDECAR):
                assert hashlib.sha256(kept.read_bytes()).hexdigest() in wanted, f"{kept} is none of the files"
    return Counter(status for _, _, status, *_ in rows)


def test_killed_in_the_middle_and_run_again_every_file_is_accounted_for_once(seed, tmp_path):
    home, inbox = fresh_home(seed, tmp_path), seed[1]
    prefect = tmp_path / "prefect-a"
    first = start(home, inbox, prefect, tmp_path / "first.json")
    deadline = time.monotonic() + 600
    while row_count(home) < 30:
        assert first.poll() is None, "collect ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    at_kill = row_count(home)
    distinct = len({hashlib.sha256(p.read_bytes()).digest() for p in inbox.iterdir()})
    assert first.returncode == -signal.SIGKILL and at_kill < distinct, (at_kill, distinct)
    print(f"killed with {at_kill} of {distinct} distinct files recorded")
    second = finish(start(home, inbox, prefect, tmp_path / "second.json"), tmp_path / "second.json")
    assert len(second) == FILES and Counter(r["outcome"] for r in second)["duplicate"] >= at_kill
    statuses = assert_accounted_once(home, inbox, seed[2])
    assert statuses["accepted"] == 31 * 3 and statuses["rejected"] == distinct - 31 * 3


def test_two_collectors_at_once_store_every_file_once(seed, tmp_path):
    home, inbox = fresh_home(seed, tmp_path), seed[1]
    processes = [start(home, inbox, tmp_path / f"prefect-{n}", tmp_path / f"run{n}.json") for n in ("a", "b")]
    outputs = [finish(p, tmp_path / f"run{n}.json") for p, n in zip(processes, ("a", "b"), strict=True)]
    assert [len(o) for o in outputs] == [FILES, FILES]
    assert_accounted_once(home, inbox, seed[2])
    settled: Counter = Counter()
    for output in outputs:
        for result in output:
            if result["outcome"] != "duplicate":
                settled[hashlib.sha256(Path(result["file"]).read_bytes()).hexdigest()] += 1
    assert set(settled.values()) == {1}, "a file was taken by both collectors"
