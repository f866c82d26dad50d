"""A real process killed mid-way, then run again: every message arrives, none is lost.

The process runs what the chase and send flows' tasks run (`operations.chase`,
`operations.send_outbox`), without Prefect's ephemeral server, which would add half a
minute per process here and is not what is under test. The SMTP server itself kills the
client with SIGKILL at a chosen point of the SMTP dialogue:

- at EHLO: every reminder is recorded and committed, nothing is sent yet ("between record
  and send"). Running again sends each exactly once.
- after the server has accepted the first message, before its "250": the unavoidable
  at-least-once window. Running again (after the dispatcher's lease) sends that message a
  second time, with the same Message-ID, and every other message once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from sqlalchemy import select

from remiss.mail.settings import smtp_from_env
from remiss.services import operations, outbox
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import OutboxRow

D = dt.date
RECIPIENTS = ["kultur", "idrott", "exploatering"]


DRIVER = """
import datetime as dt, sys
from remiss.mail.settings import smtp_from_env
from remiss.services import operations
from remiss.services.work import open_work
from remiss.settings import Workspace

workspace, round_id = Workspace.from_env(), sys.argv[2]
if sys.argv[1] == "chase":
    operations.chase(open_work(workspace, round_id, today=dt.date.fromisoformat(sys.argv[3])))
operations.send_outbox(workspace, smtp_from_env(), round_id)
"""


pytestmark = pytest.mark.slow  # kills real processes mid-send


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so the kill takes anything it started
    )


def _kill_group(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGKILL)


def _reminders(workspace) -> list[OutboxRow]:
    with open_database(workspace.database_url).session() as session:
        query = select(OutboxRow).where(OutboxRow.kind == "reminder").order_by(OutboxRow.id)
        return list(session.scalars(query))


def _prepare(workspace, launched, smtp, monkeypatch) -> tuple[str, dict[str, str]]:
    env = smtp.env()
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    round_id = launched("krasch-2016", D(2016, 5, 13), RECIPIENTS, before=[2], after_every=None)
    operations.send_outbox(workspace, smtp_from_env())  # the requests go first, normally
    smtp.recorder.received.clear()
    return round_id, {**env, "REMISS_HOME": str(workspace.home)}


def test_killed_between_record_and_send_then_each_reminder_is_sent_once(
    workspace, launched, smtp, monkeypatch
):
    round_id, env = _prepare(workspace, launched, smtp, monkeypatch)
    process = _start(["chase", round_id, "2016-05-11"], env)
    smtp.recorder.on_ehlo = lambda: _kill_group(process)
    assert process.wait(timeout=180) == -signal.SIGKILL, process.stderr.read() if process.stderr else ""
    smtp.recorder.on_ehlo = None

    rows = _reminders(workspace)
    assert len(rows) == 3 and all(r.sent_at is None for r in rows)  # recorded, committed, unsent
    assert smtp.recorder.received == []

    operations.chase(
        open_work(workspace, round_id, today=D(2016, 5, 11))
    )  # running again: nothing new is recorded
    report = operations.send_outbox(workspace, smtp_from_env())
    assert sorted(report.sent) == sorted(r.key for r in rows)
    assert operations.send_outbox(workspace, smtp_from_env()).sent == []
    ids = [r.message["Message-ID"] for r in smtp.recorder.received]
    assert sorted(ids) == sorted(r.message_id for r in rows)  # each exactly once


def test_killed_after_the_server_accepted_resends_that_message_with_the_same_message_id(
    workspace, launched, smtp, monkeypatch
):
    round_id, env = _prepare(workspace, launched, smtp, monkeypatch)
    operations.chase(
        open_work(workspace, round_id, today=D(2016, 5, 11))
    )  # recorded; the process below only sends
    process = _start(["send", round_id], env)
    smtp.recorder.on_data = lambda: _kill_group(process)
    assert process.wait(timeout=180) == -signal.SIGKILL
    smtp.recorder.on_data = None
    (first,) = smtp.recorder.received  # the server took one message; its sender never heard "250"

    rows = _reminders(workspace)
    assert all(r.sent_at is None for r in rows)
    claimed = [r for r in rows if r.claimed_until is not None]
    assert [r.message_id for r in claimed] == [first.message["Message-ID"]]

    db, settings = open_database(workspace.database_url), smtp_from_env()
    now = dt.datetime.now(dt.UTC)
    # At once: the two untouched reminders go; the claimed one waits for its lease to expire.
    assert len(outbox.dispatch(db, settings, now=lambda: now).sent) == 2
    after_lease = now + outbox.LEASE + dt.timedelta(seconds=1)
    assert outbox.dispatch(db, settings, now=lambda: after_lease).sent == [claimed[0].key]
    assert outbox.dispatch(db, settings, now=lambda: after_lease).sent == []

    ids = [r.message["Message-ID"] for r in smtp.recorder.received]
    assert len(ids) == 4 and ids.count(first.message["Message-ID"]) == 2
    assert sorted(set(ids)) == sorted(r.message_id for r in rows)
    assert all(r.sent_at is not None for r in _reminders(workspace))
