"""`remiss demo --serve` prints one nämnd's link and a desk account: both open their pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.web.conftest import login

from remiss.services import status as status_service
from remiss.services.work import open_work


def test_demo_pages_open(workspace, app):
    from remiss.demo.serving import demo_pages

    work = open_work(workspace, "sh-2016")
    with work.db.session() as session:
        statuses = status_service.round_status(session, work.round, work.today)
    pages = demo_pages(workspace.home, "sh-2016", statuses, "http://127.0.0.1:8000")
    assert pages.link.startswith("http://127.0.0.1:8000/svar/")
    client = TestClient(app)
    page = client.get(pages.link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200 and work.round.organisation(pages.organisation).namnd in page.text
    assert login(client, pages.user, pages.password).status_code == 200
    assert "Logga ut" in client.get("/").text


def test_demo_has_the_serve_option():
    from typer.testing import CliRunner

    from remiss.cli import app as cli

    shown = CliRunner().invoke(cli, ["demo", "--help"])
    assert shown.exit_code == 0 and "--serve" in shown.output
