"""A workspace with the bundled round launched and some nämnder's answers collected, and a desk on it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import warnings
from pathlib import Path

import pytest

from remiss import resources
from remiss.demo.simulate import simulate_returns
from remiss.services import accounts, operations
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
PASSWORD = "ett-langt-losenord"
ANSWERED = 6  # nämnder whose files are collected before the tests start
TODAY = dt.date(2016, 4, 27)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once per session; each test gets its own copy (see `workspace`)."""
    home = tmp_path_factory.mktemp("desk-seed")
    ws = Workspace.from_env(home)
    round_id, _ = operations.create_round(ws, resources.bundled_round())
    operations.launch(open_work(ws, round_id))
    work = open_work(ws, round_id)
    arrivals = simulate_returns(ws, work.round)
    for arrival in arrivals[:ANSWERED]:
        collect_paths(work.at(arrival.at), arrival.files)
    with open_database(ws.database_url).session() as session:
        accounts.add_user(session, "samordnare", PASSWORD, accounts.Role.COORDINATOR)
        accounts.add_user(session, "lasare", PASSWORD, accounts.Role.READER)
    open_database(ws.database_url).dispose()
    return home


@pytest.fixture
def workspace(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    home = tmp_path / "home"
    shutil.copytree(seeded, home)
    monkeypatch.setenv("REMISS_HOME", str(home))
    return Workspace.from_env(home)


@pytest.fixture
def app(workspace: Workspace):
    from remiss.web import create_app

    return create_app(workspace, clock=lambda: TODAY)


def login(client, name: str = "samordnare", password: str = PASSWORD):
    page = client.get("/")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/logga-in", data={"name": name, "password": password, "csrf": token})


def csrf_of(client) -> str:
    return re.search(r'"X-CSRF-Token": "([^"]+)"', client.get("/").text).group(1)


@pytest.fixture
def coordinator(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    assert login(client).status_code == 200
    return client


@pytest.fixture
def reader(app):
    from fastapi.testclient import TestClient

    client = TestClient(app)
    assert login(client, "lasare").status_code == 200
    return client
