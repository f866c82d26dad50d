"""The desk inside `remiss serve`: its flows log the logged-in user, `--today` is the desk's day,
and reminders the chase flow mails are reported as mailed.

Runs real Prefect flows (the ephemeral API), hence `slow`.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from tests.mail.support import SmtpServer
from tests.web.conftest import csrf_of, login

from remiss.services.lifecycle.log import read_log
from remiss.services.work import open_work

ROUND = "sh-2016"
pytestmark = pytest.mark.slow


def test_annexes_and_reminders_from_the_desk_name_the_logged_in_user(workspace, tmp_path):
    from remiss.web.flow_runner import FlowRunner

    runner = FlowRunner(workspace)
    runner.annex(ROUND, tmp_path / "bilaga.docx", "anna", final=True)
    runner.chase(ROUND, dt.date(2016, 5, 2), "anna")
    log = read_log(open_work(workspace, ROUND))
    assert {e.actor for e in log if e.action == "annex.final"} == {"anna"}
    reminders = {e.actor for e in log if e.action == "reminder.written"}
    assert reminders == {"anna"}


def test_serve_today_is_the_desks_day_too(workspace):
    from remiss.web.flow_runner import desk_app

    app = desk_app(workspace, dt.date(2016, 5, 2))
    assert app.state.desk.today() == dt.date(2016, 5, 2)
    client = TestClient(app)
    login(client)
    assert "Påminnelser 2 maj 2016" in client.get(f"/omgangar/{ROUND}/paminnelser").text


def test_reminders_sent_by_the_chase_flow_are_reported_as_mailed(workspace, monkeypatch):
    """In serve the chase flow mails its reminders itself: the page must still say they went out."""
    from remiss.web import create_app
    from remiss.web.flow_runner import FlowRunner

    with SmtpServer() as smtp:
        for name, value in smtp.env().items():
            monkeypatch.setenv(name, value)
        app = create_app(workspace, work=FlowRunner(workspace), clock=lambda: dt.date(2016, 5, 2))
        client = TestClient(app)
        login(client)
        previews = client.get(f"/omgangar/{ROUND}/paminnelser").text.count('<pre class="brev">')
        answer = client.post(f"/omgangar/{ROUND}/paminnelser", data={"csrf": csrf_of(client)})
        reminders = [r for r in smtp.recorder.wait_for(previews) if r.key.startswith("reminder:")]
    assert previews > 1 and len(reminders) == previews
    assert re.search(rf"{previews} påminnelser skrivna, \d+ meddelanden skickade med e-post\.", answer.text)
