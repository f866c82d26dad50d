"""Accepted files are stored in batches: versions inside one batch, and a batch that clashes.

Real files from the bundled round's templates, real worker processes, SQLite on disk.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.intake import corpus as c

from remiss.services.intake.accept import store_accepted
from remiss.services.intake.collect import STORE_BATCH, collect_paths
from remiss.services.intake.examine import examine
from remiss.services.intake.pool import IntakeLimits, IntakePool
from remiss.services.intake.received import Incoming
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import AnswerRow, ReceivedFileRow

IN_TIME = dt.datetime(2016, 4, 20, 10, 0, tzinfo=dt.UTC)
ORG = "bromma"


@pytest.fixture()
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path))
    return c.launched(tmp_path)


def collect(ws, files: list[tuple[str, bytes]]):
    inbox = ws.home / "inkommet"
    inbox.mkdir(exist_ok=True)
    paths = []
    for name, data in files:
        (inbox / name).write_bytes(data)
        paths.append(inbox / name)
    pool = IntakePool(IntakeLimits(workers=2, timeout_s=60, memory_mb=1024))
    try:
        return collect_paths(open_work(ws, c.ROUND, now=IN_TIME), paths, pool=pool)
    finally:
        pool.close()


def stored(ws, kind: str) -> list[ReceivedFileRow]:
    with open_database(ws.database_url).session() as session:
        return list(
            session.scalars(
                select(ReceivedFileRow)
                .where(ReceivedFileRow.organisation_id == ORG, ReceivedFileRow.kind == kind)
                .order_by(ReceivedFileRow.version)
            )
        )


def test_three_versions_in_one_batch_supersede_in_order_and_an_empty_one_changes_nothing(ws):
    files = [
        ("svar 1.docx", c.fill_word(ws, ORG, " Första.")),
        ("svar 2.docx", c.fill_word(ws, ORG, " Andra.")),
        ("prioritering.xlsx", c.fill_excel(ws, ORG)),
        ("svar 3.docx", c.fill_word(ws, ORG, " Tredje.")),
        ("tom.docx", c.issued(ws, ORG, ".docx")),  # the untouched template, sent by mistake
    ]
    assert len(files) < STORE_BATCH  # all of them are stored in one transaction
    results = collect(ws, files)
    assert [r.outcome for r in results] == ["accepted", "superseded", "accepted", "superseded", "incomplete"]
    assert [r.version for r in results] == [1, 2, 1, 3, 4]
    rows = stored(ws, "docx")
    assert [(r.version, r.is_current) for r in rows] == [(1, False), (2, False), (3, True), (4, False)]
    with open_database(ws.database_url).session() as session:
        current_text = session.scalars(select(AnswerRow.text).where(AnswerRow.file_id == rows[2].id)).all()
    assert any("Tredje." in text for text in current_text)
    assert "Den tidigare versionen med svar gäller fortfarande." in results[4].reason
    receipts = {
        r.version: email.message_from_bytes(Path(r.receipt).read_bytes(), policy=email.policy.default)
        for r in results
        if r.kind == "docx"
    }
    first, second = receipts[1].get_content(), receipts[2].get_content()
    assert "Excelfilen har ännu inte kommit in." in first
    assert "Det här är version 2 av Word-svaret. Den ersätter den tidigare versionen" in second
    assert "Excelfilen har ännu inte kommit in." not in receipts[3].get_content()
    assert "den tidigare versionen med svar gäller fortfarande" in receipts[4].get_content()


def test_a_batch_that_clashes_with_another_collector_is_stored_file_by_file(ws):
    """Another collector stored version 1 between our examination and our commit."""
    work = open_work(ws, c.ROUND)
    ctx = work.round
    theirs = ("deras.docx", c.fill_word(ws, ORG, " Deras."))
    assert collect(ws, [theirs])[0].version == 1
    ours = [c.fill_word(ws, ORG, " Vår."), c.fill_excel(ws, ORG), theirs[1]]
    batch = [
        (
            Incoming(ws.home / f"vår {n}", f"vår {n}", data, hashlib.sha256(data).hexdigest(), IN_TIME),
            examine(data, f"vår {n}", ctx),
        )
        for n, data in enumerate(ours)
    ]
    results = store_accepted(work, batch, None)
    assert [r.outcome for r in results] == ["superseded", "accepted", "duplicate"]
    assert [r.version for r in results[:2]] == [2, 1]
    assert "deras.docx" in results[2].reason
    assert [(r.version, r.is_current) for r in stored(ws, "docx")] == [(1, False), (2, True)]
