"""Migration 0003 on a database written by 0002: refused until upgraded, then its rounds still work."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, inspect, select

from remiss import resources
from remiss.errors import StoreError
from remiss.services import operations
from remiss.services.lifecycle.deadline import move_deadline
from remiss.services.lifecycle.log import read_log
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store import migrate
from remiss.store.database import Database, open_database
from remiss.store.schema import AssignmentRow


def test_0002_database_is_upgraded_and_old_log_entries_have_no_actor(store_url, tmp_path, monkeypatch):
    engine = create_engine(store_url)
    migrate.upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO audit_log (at, round_id, action, detail) "
            "VALUES ('2016-04-01 10:00:00+00:00', 'sh-2016', 'round.launched', '{}')"
        )
    assert "measures" in inspect(engine).get_table_names()
    engine.dispose()
    database = Database(store_url)
    with pytest.raises(StoreError, match="Kör `remiss db upgrade`"):
        database.ensure_schema()
    before, after = database.upgrade_schema()
    assert before == "0002" and after == migrate.head_revision(database.engine)
    assert "measures" not in inspect(database.engine).get_table_names()
    database.dispose()

    monkeypatch.setenv("REMISS_DATABASE_URL", store_url)
    ws = Workspace.from_env(tmp_path)
    operations.create_round(ws, resources.bundled_round())
    with open_database(ws.database_url).session() as session:
        assert session.scalar(select(AssignmentRow.role).limit(1)) in ("ansvarig", "delansvar")
    move_deadline(open_work(ws, "sh-2016", by="anna"), dt.date(2016, 5, 6))
    entries = read_log(open_work(ws, "sh-2016"))
    assert (entries[0].actor, entries[0].action) == (None, "round.launched")
    assert entries[-1].actor == "anna"
