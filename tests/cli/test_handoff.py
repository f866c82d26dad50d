"""`round launch` does its work once, wherever it runs: handed to a running serve, the command only
checks the round (read once) and serve launches; without serve, the command reads the round
once and launches it with plain calls. What the command itself reads is the SQL its own thread
sends to the store (serve's flow runs on threads of its own)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from tests.helpers import run_json
from tests.mail.support import free_port

from remiss import resources

ROUND = "sh-2016"
RECIPIENTS = ["bromma", "kultur"]
# open_work → load_context: the round's recipients still asked (nothing else in a launch asks this)
OPENS = re.compile(r"FROM recipients\s+WHERE recipients\.round_id = \S+ AND recipients\.withdrawn_at IS NULL")
# launch_service.pending_organisations: who has not had both templates yet
PENDING = re.compile(r"SELECT issued_documents\.organisation_id\s+FROM issued_documents")


@contextmanager
def statements_of_this_thread() -> Iterator[list[str]]:
    """Every SQL statement this thread sends to any store while the block runs."""
    mine, sent = threading.get_ident(), []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if threading.get_ident() == mine:
            sent.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def _count(pattern: re.Pattern[str], sent: list[str]) -> int:
    return sum(1 for statement in sent if pattern.search(statement))


@pytest.fixture
def created(tmp_path, monkeypatch):
    """A workspace with the bundled round, asking two nämnder, created and not launched."""
    home = tmp_path / "hem"
    monkeypatch.setenv("REMISS_HOME", str(home))
    monkeypatch.setenv("REMISS_SMALL_WORK", "10")
    monkeypatch.delenv("REMISS_NO_HANDOFF", raising=False)
    content = resources.bundled_round().read_text(encoding="utf-8")
    content = content.replace("recipients: all", f"recipients: [{', '.join(RECIPIENTS)}]")
    content = re.sub(r"^catalog: .*$", f"catalog: {resources.default_catalog()}", content, flags=re.M)
    path = tmp_path / "omgang.yaml"
    path.write_text(content, encoding="utf-8")
    assert run_json("round", "create", str(path))["created"]
    return home


def _launched(home) -> list[str]:
    return sorted(p.parent.name for p in (home / "outbox" / ROUND).glob("*/begaran.eml"))


def test_a_plain_launch_reads_the_round_once_and_its_pending_nämnder_once(created):
    with statements_of_this_thread() as sent:
        issued = run_json("round", "launch", ROUND)
    assert sorted(i["organisation"] for i in issued) == RECIPIENTS == _launched(created)
    assert (_count(OPENS, sent), _count(PENDING, sent)) == (1, 1), sent


@pytest.mark.slow
def test_a_launch_handed_to_serve_is_not_also_prepared_by_the_command(created):
    from remiss_flows.handoff import handoff_endpoint
    from remiss_flows.serve import local_server

    with (
        local_server(created / "prefect", free_port()) as api_url,
        handoff_endpoint(str(created), api_url),
        statements_of_this_thread() as sent,
    ):
        issued = run_json("round", "launch", ROUND)
        runs = httpx.post(f"{api_url}/flow_runs/filter", json={"flows": {"name": {"any_": ["launch-round"]}}})
    assert [r["state_type"] for r in runs.json()] == ["COMPLETED"]  # serve's run, on serve's server
    assert sorted(i["organisation"] for i in issued) == RECIPIENTS == _launched(created)
    # The command checked the round (one read) and left the launch to serve: it never asked who
    # is pending, which only a launch of its own would need.
    assert (_count(OPENS, sent), _count(PENDING, sent)) == (1, 0), sent
