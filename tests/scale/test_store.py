"""The store on SQLite and on PostgreSQL: concurrent work, migrations, and column types.

Concurrency: two collectors, a chase and annex drafts at the same time, as separate
processes. Each collector takes the same folder in its own order (B takes every
organisation's versions newest first), so both keep storing versions of the same
organisation at once. The first clash is forced: a third transaction holds the write lock
while both collectors read "no version yet" for their first file, then lets go, so both
write version 1 of the same organisation at the same moment. Afterwards the store must be
consistent: every file stored once, versions 1..n with exactly one current (the highest) per
organisation and kind, and every stored file with its own answers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import psycopg
import pytest
from alembic import command
from sqlalchemy import func, make_url, select
from tests.helpers import run_cli
from tests.scale.support import ROUND, answer_text, fill_returns, launched_workspace

from remiss.errors import StoreError
from remiss.services.annex.publish import write_annex
from remiss.services.files import sha256
from remiss.services.work import open_work
from remiss.store import migrate
from remiss.store.database import Database, open_database
from remiss.store.schema import AnswerRow, AuditRow, ReceivedFileRow, ReminderRow, ValueRow

REPO = Path(__file__).resolve().parents[2]
VERSIONS = 3
DAY_AFTER_DEADLINE = "2016-04-30"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'remiss.db'}"
    return request.getfixturevalue("pg_database")()


def _organisations(definition, catalog, count: int = 4) -> list[str]:
    with_measures = [o for o in definition.recipient_ids(catalog) if definition.assignments_for(o, catalog)]
    return with_measures[:count]


@pytest.mark.slow  # several processes at once, each with its parsing workers
def test_two_collectors_a_chase_and_an_annex_at_once_leave_the_store_consistent(
    database_url, definition, catalog, tmp_path
):
    organisations = _organisations(definition, catalog)
    workspace = launched_workspace(tmp_path / "home", database_url, organisations)
    files = fill_returns(workspace, organisations, tmp_path / "inkommet", versions=VERSIONS)
    copy = tmp_path / "inkommet" / "kopia av svaret.docx"  # the same bytes under another name
    shutil.copy(files[0], copy)
    forward = [*files, copy]
    per_org = [files[i : i + VERSIONS + 1] for i in range(0, len(files), VERSIONS + 1)]
    newest_first = [p for group in per_org for p in [*reversed(group[:VERSIONS]), group[VERSIONS]]] + [copy]

    start = tmp_path / "start"
    with _write_lock(database_url):
        actors = [
            _start("collect", workspace, start, *map(str, forward)),
            _start("collect", workspace, start, *map(str, newest_first)),
            _start("chase", workspace, start, DAY_AFTER_DEADLINE),
            _start("annex", workspace, start, str(tmp_path / "utkast.docx")),
        ]
        start.touch()
        _wait_until_collectors_wait(database_url, workspace.archive / ROUND / organisations[0])
    collector_a, collector_b, reminders, drafts = (_finish(p) for p in actors)

    # Every file stored exactly once: across both collectors, one non-duplicate outcome per content.
    digests = {str(p): sha256(p.read_bytes()) for p in forward}
    stored_by = Counter(digests[r["file"]] for r in collector_a + collector_b if r["outcome"] != "duplicate")
    assert set(stored_by.values()) == {1} and len(stored_by) == len(files)
    assert not [r for r in collector_a + collector_b if r["outcome"] == "rejected"]
    # After the forced clash, the loser stored its file as the next version (or found it stored by
    # the other collector meanwhile): no result is "taken by another collection" without a row.
    assert all(r["organisation"] for r in collector_a + collector_b), [collector_a[0], collector_b[0]]

    with open_database(workspace.database_url).session() as session:
        rows = session.scalars(select(ReceivedFileRow)).all()
        assert sorted(r.sha256 for r in rows) == sorted(set(digests.values()))
        by_kind = defaultdict(list)
        for row in rows:
            by_kind[(row.organisation_id, row.kind)].append(row)
        assert set(by_kind) == {(o, k) for o in organisations for k in ("docx", "xlsx")}
        for versions in by_kind.values():
            assert sorted(r.version for r in versions) == list(range(1, len(versions) + 1))
            # Current is the file sent last (issue 17, point 9), whichever collector stored it first.
            [current] = [r for r in versions if r.is_current]
            assert current.submitted_at == max(r.submitted_at for r in versions)
        # No lost answers: each Word file has all its answers, carrying its own text.
        for row in (r for r in rows if r.kind == "docx"):
            written = int(re.search(r"-v(\d)\.docx$", row.original_name).group(1))
            answers = session.scalars(select(AnswerRow).where(AnswerRow.file_id == row.id)).all()
            filled = [a.text for a in answers if not a.empty]
            assert len(filled) == 1 + len(definition.assignments_for(row.organisation_id, catalog))
            assert all(text.startswith(answer_text(row.organisation_id, written)) for text in filled)
        for row in (r for r in rows if r.kind == "xlsx"):
            count = select(func.count()).select_from(ValueRow).where(ValueRow.file_id == row.id)
            assert session.scalar(count)
        word = [r for r in rows if r.kind == "docx"]
        current = {r.organisation_id: int(r.original_name[-6]) for r in word if r.is_current}
        # The chase ran once for the day: at most one reminder per organisation.
        reminded = session.scalars(select(ReminderRow.organisation_id)).all()
        assert len(reminded) == len(set(reminded)) == len(reminders)

    assert len(drafts) == 3 and Path(drafts[0]).exists()
    final = write_annex(open_work(workspace, ROUND), tmp_path / "bilaga.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(final.read_bytes())).paragraphs)
    for org_id, version in current.items():  # the annex has each current answer, and no other version
        shown = [v for v in range(1, VERSIONS + 1) if answer_text(org_id, v) in text]
        assert shown == [version], (org_id, shown, version)


def _start(role: str, workspace, start: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.scale.support", role, str(workspace.home), workspace.database_url]
    # Each actor is a process of its own: it examines files in-process (no pool of parse workers).
    env = {**os.environ, "REMISS_PARSE_WORKERS": "0"}
    return subprocess.Popen(
        [*command, str(start), ROUND, *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> list:
    try:
        out, err = process.communicate(timeout=240)
    finally:
        process.kill()
    assert process.returncode == 0, err[-3000:]
    return json.loads(out)


class _write_lock:
    """Lets collectors read but not write received files: SQLite's write lock, or on PostgreSQL
    a table lock that blocks inserts and updates but not selects."""

    def __init__(self, database_url: str) -> None:
        self.url = make_url(database_url)
        self.sqlite = self.url.get_backend_name() == "sqlite"

    def __enter__(self):
        if self.sqlite:
            self.connection = sqlite3.connect(self.url.database, isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            self.connection = psycopg.connect(_dsn(self.url))
            self.connection.execute("LOCK TABLE received_files IN EXCLUSIVE MODE")
        return self

    def __exit__(self, *exc):
        self.connection.execute("COMMIT") if self.sqlite else self.connection.commit()
        self.connection.close()


def _dsn(url) -> str:
    return f"host={url.host} port={url.port} user={url.username} dbname={url.database}"


def _wait_until_collectors_wait(database_url: str, archive: Path, timeout: float = 120) -> None:
    """PostgreSQL shows lock waits; SQLite does not, so there: both collectors archived their
    first file (the step before its transaction) and had a moment to read the versions."""
    url = make_url(database_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if url.get_backend_name() == "sqlite":
            if len(list(archive.glob("*.docx"))) == 2:
                time.sleep(1.0)
                return
        else:
            with psycopg.connect(_dsn(url), autocommit=True) as connection:
                waiting = connection.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE NOT l.granted AND c.relname = 'received_files'"
                ).fetchone()[0]
            if waiting == 2:
                return
        time.sleep(0.05)
    raise AssertionError("the two collectors never reached their first transaction")


def test_a_schema_behind_is_refused_until_remiss_db_upgrade(database_url, monkeypatch):
    database = Database(database_url)
    database.ensure_schema()  # an empty database gets the newest schema
    head = migrate.head_revision(database.engine)
    assert migrate.current_revision(database.engine) == head
    with database.engine.begin() as connection:  # an older remiss left it one migration behind
        config = migrate._config(database.engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "-1")
    assert migrate.current_revision(database.engine) != head

    with pytest.raises(StoreError, match=r"Kör `remiss db upgrade`"):
        Database(database_url).ensure_schema()

    monkeypatch.setenv("REMISS_DATABASE_URL", database_url)
    assert f"-> {head}" in run_cli("db", "upgrade")
    Database(database_url).ensure_schema()
    database.dispose()


def test_times_and_json_read_back_the_same_on_both_back_ends(database_url):
    database = Database(database_url)
    database.ensure_schema()
    at = dt.datetime(2016, 4, 29, 23, 30, tzinfo=ZoneInfo("Europe/Stockholm"))  # 21:30 UTC
    detail = {"fil": "Svar från Älvsjö.docx", "versioner": [1, 2], "sen": True}
    with database.session() as session:
        session.add(AuditRow(action="test", at=at, detail=detail))
    with database.session() as session:
        row = session.scalars(select(AuditRow).where(AuditRow.action == "test")).one()
        assert row.at == at and row.at.utcoffset() == dt.timedelta(0)
        assert row.at.isoformat() == "2016-04-29T21:30:00+00:00"
        assert row.detail == detail
        # Comparing in SQL uses the same instants: later than 21:00 UTC, earlier than 22:00 UTC.
        later = dt.datetime(2016, 4, 29, 21, tzinfo=dt.UTC)
        assert session.scalar(select(AuditRow.id).where(AuditRow.at > later)) == row.id
        assert session.scalar(select(AuditRow.id).where(AuditRow.at > later + dt.timedelta(hours=1))) is None
    database.dispose()
