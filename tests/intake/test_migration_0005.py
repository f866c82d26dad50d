"""Migration 0005 on a database written before it: files received earlier keep their rows, with no
`submitted_at` (their versions were ordered by storage), and a new file is ordered by when it was sent."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from remiss.errors import StoreError
from remiss.store import migrate
from remiss.store.database import Database


def test_0002_database_is_refused_then_upgraded_with_old_files_unordered(store_url):
    engine = create_engine(store_url)
    migrate.upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO received_files (sha256, original_name, size, received_at, stored_path, status,"
                " is_current, late, warnings) VALUES ('ab', 'svar.docx', 3, :now, '/x', 'rejected', false,"
                " false, '[]')"
            ),
            {"now": dt.datetime(2016, 4, 1, tzinfo=dt.UTC)},
        )
    engine.dispose()
    database = Database(store_url)
    with pytest.raises(StoreError, match="Kör `remiss db upgrade`"):
        database.ensure_schema()
    before, after = database.upgrade_schema()
    assert (before, after) == ("0002", migrate.head_revision(database.engine))
    with database.session() as session:
        row = session.execute(text("SELECT original_name, submitted_at FROM received_files")).one()
    assert tuple(row) == ("svar.docx", None)
    database.dispose()
