"""A round not tied to a budget year (a plain remiss): `budget_year` may be left out of its YAML.

It is created and launched through the real CLI, and its request mail and `round show` read
well without a year; a database from before (migration 0008) keeps its rounds' years.
"""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from tests.helpers import run_cli, run_json

from remiss import resources
from remiss.errors import RemissError
from remiss.store import migrate
from remiss.store.database import Database

RECIPIENTS = ["bromma", "kultur"]


def _round_file(folder, round_id: str, *, budget_year: bool) -> object:
    """The bundled round under `round_id`, asking two nämnder, with or without its budget year."""
    content = resources.bundled_round().read_text(encoding="utf-8")
    content = re.sub(r"^id: .*$", f"id: {round_id}", content, flags=re.M)
    content = content.replace("recipients: all", f"recipients: [{', '.join(RECIPIENTS)}]")
    content = re.sub(r"^catalog: .*$", f"catalog: {resources.default_catalog()}", content, flags=re.M)
    if not budget_year:
        content, found = re.subn(r"^budget_year: .*\n", "", content, flags=re.M)
        assert found == 1
    path = folder / f"{round_id}.yaml"
    path.write_text(content, encoding="utf-8")
    return path


def _request(home, round_id: str, org: str) -> str:
    raw = (home / "outbox" / round_id / org / "begaran.eml").read_bytes()
    return email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",)).get_content()


def test_a_round_without_budget_year_is_created_launched_and_shown_without_one(tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path / "hem"))
    monkeypatch.setenv("COLUMNS", "400")
    monkeypatch.setenv("REMISS_SMALL_WORK", "10")  # two nämnder: plain calls, no Prefect
    for round_id, with_year in (("remiss-2016", False), ("budget-2016", True)):
        path = _round_file(tmp_path, round_id, budget_year=with_year)
        assert run_json("round", "create", str(path)) == {"id": round_id, "created": True}
        assert len(run_json("round", "launch", round_id)) == len(RECIPIENTS)

    plain = _request(tmp_path / "hem", "remiss-2016", "kultur")
    assert 'nämndernas kommentarer till delrapporterna" (dnr KS 2016/0417).\n' in plain
    assert "budget" not in plain.split("\n\n")[1]  # the opening sentence
    budget = _request(tmp_path / "hem", "budget-2016", "kultur")
    assert "(dnr KS 2016/0417) inför budget 2017.\n" in budget

    assert run_json("round", "show", "remiss-2016")["budget_year"] is None
    shown = run_cli("round", "show", "remiss-2016")
    assert "Diarienummer KS 2016/0417 · sista svarsdag" in shown and "budgetår" not in shown
    with_year = run_cli("round", "show", "budget-2016")
    assert "Diarienummer KS 2016/0417 · budgetår 2017 · sista svarsdag" in with_year


def test_a_wrong_budget_year_is_still_named_by_file_line_and_field(tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path / "hem"))
    path = _round_file(tmp_path, "fel-2016", budget_year=True)
    content = path.read_text(encoding="utf-8")
    line = content.splitlines().index("budget_year: 2017") + 1
    path.write_text(content.replace("budget_year: 2017", "budget_year: 1899"), encoding="utf-8")
    with pytest.raises(RemissError) as refused:
        run_cli("round", "create", str(path))
    message = str(refused.value)
    assert f"fel-2016.yaml rad {line}: fältet 'budget_year'" in message, message


ROUND_ROW = (
    "INSERT INTO rounds (id, title, diarienummer, budget_year, deadline, definition_yaml, secret, created_at)"
    " VALUES (:id, 'Remiss', 'KS 1', :year, '2016-04-29', 'id: x', 's', '2016-04-01 10:00:00+00:00')"
)


def test_0007_database_keeps_its_years_and_takes_rounds_without_one(store_url):
    engine = create_engine(store_url)
    migrate.upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(text(ROUND_ROW), {"id": "gammal-2016", "year": 2017})
        with pytest.raises(IntegrityError), connection.begin_nested():  # NOT NULL before 0008
            connection.execute(text(ROUND_ROW), {"id": "utan-2016", "year": None})
    engine.dispose()
    database = Database(store_url)
    assert database.upgrade_schema() == ("0007", migrate.head_revision(database.engine))
    with database.engine.begin() as connection:
        connection.execute(text(ROUND_ROW), {"id": "utan-2016", "year": None})
        years = dict(connection.execute(text("SELECT id, budget_year FROM rounds")).all())
    assert years == {"gammal-2016": 2017, "utan-2016": None}
    with database.engine.begin() as connection:  # back to 0007: a round without a year gets one
        config = migrate._config(database.engine)
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
    with database.engine.begin() as connection:
        years = dict(connection.execute(text("SELECT id, budget_year FROM rounds")).all())
    assert years == {"gammal-2016": 2017, "utan-2016": 2017}  # the year after its deadline
    database.dispose()
