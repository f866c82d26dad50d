"""The board's counts are read from indexes, not from the answer rows with their XML (migration
0007): the query plans say so on SQLite, and the indexes exist after an upgrade on both stores.

The speed itself is measured in benchmarks/desk.py; these tests keep the plan that makes it."""

from __future__ import annotations

import sqlite3

from alembic import command
from sqlalchemy import create_engine, event, inspect
from tests.web.conftest import TODAY

from remiss.services.context import load_context
from remiss.services.status import round_status
from remiss.store import migrate
from remiss.store.database import open_database

ROUND = "sh-2016"
INDEXES = {
    "answers": {"ix_answers_filled"},
    "excel_values": {"ix_excel_values_given", "ix_excel_values_problems"},
}


def _statements(workspace) -> list[tuple[str, tuple]]:
    """Every SELECT the board's status runs that joins answers or Excel values to the files."""
    database = open_database(workspace.database_url)
    seen: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if "JOIN" in statement and ("answers" in statement or "excel_values" in statement):
            seen.append((statement, tuple(parameters)))

    event.listen(database.engine, "before_cursor_execute", record)
    with database.session() as session:
        statuses = round_status(session, load_context(session, ROUND), TODAY, named=False)
    database.dispose()
    assert {s.status for s in statuses} >= {"missing", "complete"}
    return seen


def test_board_counts_read_covering_indexes(workspace):
    statements = _statements(workspace)
    assert len(statements) == 4  # filled answers, given values, the general answer, problems
    plans = []
    with sqlite3.connect(workspace.home / "remiss.db") as connection:
        for statement, parameters in statements:
            rows = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plans.append(" | ".join(row[3] for row in rows))
    answers, values, general, problems = plans
    assert "COVERING INDEX ix_answers_filled" in answers, answers
    assert "COVERING INDEX ix_excel_values_given" in values, values
    assert "COVERING INDEX ix_answers_filled" in general, general
    assert "INDEX ix_excel_values_problems" in problems, problems
    for plan in plans:
        assert "SCAN answers" not in plan and "SCAN excel_values" not in plan, plan


def test_upgrade_from_0006_adds_the_board_indexes_and_downgrade_removes_them(store_url):
    engine = create_engine(store_url)
    migrate.upgrade(engine, "0006")
    assert not any(INDEXES[t] & {i["name"] for i in inspect(engine).get_indexes(t)} for t in INDEXES)
    migrate.upgrade(engine)
    for table, names in INDEXES.items():
        assert names <= {i["name"] for i in inspect(engine).get_indexes(table)}, table
    config = migrate._config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    assert not any(INDEXES[t] & {i["name"] for i in inspect(engine).get_indexes(t)} for t in INDEXES)
    engine.dispose()
