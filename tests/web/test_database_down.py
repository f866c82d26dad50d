"""The city's database server goes away while the desk runs: a Swedish page, not "Internal Server Error".

The desk's error page looked up the logged-in user in the store to draw its header; with the
store gone that lookup failed inside the error handler, and Starlette answered with its bare
English "Internal Server Error". A PostgreSQL cluster of the test's own (tests/pg.py) is
stopped under a logged-in coordinator.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from tests import pg
from tests.web.conftest import PASSWORD, login

from remiss import resources
from remiss.services import accounts, operations
from remiss.settings import Workspace
from remiss.store.database import open_database


@pytest.fixture
def cluster():
    bindir = pg.find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries (initdb) not found; scripts/test.sh installs them as root")
    with pg.running_cluster(bindir) as running:
        yield running


def test_a_page_while_the_database_is_down_says_so_in_swedish(cluster, tmp_path, monkeypatch):
    from remiss.web import create_app

    url = cluster.url(cluster.create_database())
    monkeypatch.setenv("REMISS_DATABASE_URL", url)
    workspace = Workspace(home=tmp_path, database_url=url)
    operations.create_round(workspace, resources.bundled_round())
    with open_database(url).session() as session:
        accounts.add_user(session, "samordnare", PASSWORD, accounts.Role.COORDINATOR)
    client = TestClient(create_app(workspace), raise_server_exceptions=False)
    assert login(client).status_code == 200
    assert client.get("/omgangar/sh-2016").status_code == 200

    cluster.stop()  # the database server is gone
    for path in ("/omgangar/sh-2016", "/"):
        page = client.get(path)
        assert page.status_code == 503, page.text
        assert "Internal Server Error" not in page.text
        assert "kunde inte skrivas eller läsas: databasservern svarar inte" in page.text
        assert "försök igen" in page.text and "kör kommandot" not in page.text  # said for the desk too
        assert 'lang="sv"' in page.text
    api = client.get("/api/rounds")
    assert api.status_code == 503 and "databasservern svarar inte" in api.json()["detail"]
