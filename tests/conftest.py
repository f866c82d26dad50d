"""Shared fixtures: the bundled catalog and round, loaded once per session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Prefect is isolated before anything imports it: its own home, no server, no telemetry.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="remiss-test-prefect-")
os.environ.pop("PREFECT_API_URL", None)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["DO_NOT_TRACK"] = "1"
# The first ephemeral API start on a fresh PREFECT_HOME runs migrations: slow on a busy machine.
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "180"
os.environ.pop("REMISS_DATABASE_URL", None)
os.environ.pop("REMISS_HOME", None)

import pytest
from tests import pg

from remiss import resources
from remiss.domain import Catalog, RoundDefinition
from remiss.domain.loading import load_catalog, load_round
from remiss.identity import FileIdentity, make_token

SECRET = "test-secret"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(resources.default_catalog())


@pytest.fixture(scope="session")
def definition(catalog: Catalog) -> RoundDefinition:
    return load_round(resources.bundled_round(), catalog)


@pytest.fixture
def identity_for(definition: RoundDefinition):
    def make(org_id: str) -> FileIdentity:
        return FileIdentity(definition.id, org_id, make_token(SECRET, definition.id, org_id))

    return make


@pytest.fixture
def seeds_dir() -> Path:
    """The project's seed texts, outside the checkout (REMISS_SEEDS, else ../shared/seeds, else
    /work/shared/seeds); tests that need them skip where they are not, tests/fixtures/ has the rest."""
    here = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    named = os.environ.get("REMISS_SEEDS")
    return Path(named) if named else here if here.is_dir() else Path("/work/shared/seeds")


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster on loopback for the session (see tests/pg.py)."""
    bindir = pg.find_bindir()
    if bindir is None:
        message = "PostgreSQL binaries (initdb) not found; scripts/test.sh installs them as root"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    with pg.running_cluster(bindir) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def pg_database(pg_cluster):
    """Make a fresh, empty database in the cluster: returns its postgresql+psycopg:// URL."""
    return lambda: pg_cluster.url(pg_cluster.create_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store on each back end: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gammal.db'}"
    return request.getfixturevalue("pg_database")()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fast tier runs on SQLite: a test's PostgreSQL run belongs to the full suite.

    Every store test is parametrized over both back ends; the PostgreSQL half starts a
    cluster and repeats what the SQLite half already checks in the fast tier, so it is
    marked `slow` here (the full suite, what CI runs, still runs it).
    """
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "postgresql" in params.values():
            item.add_marker(pytest.mark.slow)
