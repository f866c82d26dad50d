"""`remiss link new|revoke` on a launched round: the printed link opens the page, revoked it does not."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.web.answer_support import silent
from typer.testing import CliRunner

from remiss.cli import app as cli
from remiss.services.work import open_work


def test_link_new_then_revoke(workspace, app):
    org = silent(open_work(workspace, "sh-2016"))[0]
    made = CliRunner().invoke(cli, ["link", "new", "sh-2016", org])
    assert made.exit_code == 0, made.output
    path = re.search(r"/svar/[A-Za-z0-9_-]+", made.output).group(0)
    client = TestClient(app)
    assert client.get(path).status_code == 200
    revoked = CliRunner().invoke(cli, ["link", "revoke", "sh-2016", org])
    assert revoked.exit_code == 0 and "spärrad" in revoked.output
    assert client.get(path).status_code == 410
    unknown = CliRunner().invoke(cli, ["link", "revoke", "sh-2016", "finns-inte"])
    assert unknown.exit_code != 0
