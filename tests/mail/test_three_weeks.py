"""A three-week round with an injected clock: chase runs twice every day, mail goes through SMTP.

The expected reminder days are worked out by hand from the policy and the Swedish calendar
(deadline Friday 13 May 2016; Ascension Day Thursday 5 May is not a working day):

- 7 working days before: Tuesday 3 May; 2 before: Wednesday 11 May; the deadline: 13 May;
  3 working days after: Wednesday 18 May (copied to the chef); the next, 23 May, is outside.
- Bromma is granted an extension to Friday 20 May on 12 May: its later slots become
  18 May (2 before) and 20 May (the deadline); its old 13 May reminder never goes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from tests.mail.support import answer_files

from remiss.domain.calendar import STOCKHOLM
from remiss.mail.settings import smtp_from_env
from remiss.services import operations
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work

D = dt.date
POLICY = {"before": [7, 2], "on_deadline": True, "after_every": 3, "escalate_to": ["chef"]}
EXPECTED = {
    "kultur": [D(2016, 5, 3)],  # complete on 9 May
    "exploatering": [D(2016, 5, 3), D(2016, 5, 11), D(2016, 5, 13), D(2016, 5, 18)],  # never answers
    "idrott": [D(2016, 5, 3), D(2016, 5, 11), D(2016, 5, 13), D(2016, 5, 18)],  # incomplete from 12 May
    "bromma": [D(2016, 5, 3), D(2016, 5, 11), D(2016, 5, 18), D(2016, 5, 20)],  # extension to 20 May
    # arbetsmarknad: complete on the first day, never reminded
}


def test_three_weeks_send_exactly_the_reminders_the_policy_names(
    workspace, launched, smtp, monkeypatch, tmp_path
):
    for name, value in smtp.env().items():
        monkeypatch.setenv(name, value)
    recipients = ["arbetsmarknad", "kultur", "idrott", "exploatering", "bromma"]
    round_id = launched("tre-2016", D(2016, 5, 13), recipients, **POLICY)
    settings = smtp_from_env()
    operations.send_outbox(workspace, settings)  # the five requests
    returns = {
        D(2016, 5, 2): [("arbetsmarknad", ())],
        D(2016, 5, 9): [("kultur", ())],
        D(2016, 5, 12): [("idrott", ("samverkan/4.2.1",))],  # one answer left empty
    }
    day, sent_on = D(2016, 5, 2), defaultdict(list)
    while day <= D(2016, 5, 22):
        at = dt.datetime.combine(day, dt.time(9, 0), STOCKHOLM)
        for org_id, empty in returns.get(day, []):
            files = answer_files(workspace, round_id, org_id, tmp_path / org_id / str(day), leave_empty=empty)
            collect_paths(open_work(workspace, round_id, now=at), files)
        if day == D(2016, 5, 12):
            operations.extend(open_work(workspace, round_id), "bromma", D(2016, 5, 20))
        first = operations.chase(open_work(workspace, round_id, today=day))
        again = operations.chase(open_work(workspace, round_id, today=day))
        assert not any(r.new for r in again), day  # a second run the same day writes nothing
        before = _reminders_received(smtp)
        operations.send_outbox(workspace, settings)
        assert _reminders_received(smtp) - before == sum(1 for r in first if r.new), day
        for reminder in first:
            if reminder.new:
                sent_on[reminder.organisation].append(day)
        day += dt.timedelta(days=1)

    assert dict(sent_on) == EXPECTED
    received = [r for r in smtp.recorder.received if r.key.startswith("reminder:")]
    assert len(received) == 13  # exactly the policy's reminders, each delivered once
    by_key = {r.key: r for r in received}
    assert len(by_key) == 13

    idrott = by_key["reminder:tre-2016:idrott:2016-05-13"].message
    body = _text(idrott)
    assert (
        "Svaret är inte komplett" in body
        and "Följande fält är fortfarande tomma:\n  - 4.2.1 Kommentar\n" in body
    )
    assert "4.2.2 Kommentar" not in body and "sista svarsdag i dag" in idrott["Subject"]

    late = by_key["reminder:tre-2016:exploatering:2016-05-18"]
    assert "svaret är försenat" in late.message["Subject"]
    assert late.message["Cc"] == "forvaltningschef.exploatering@example.org"
    assert sorted(late.rcpt_tos) == [
        "forvaltningschef.exploatering@example.org",
        "registrator.exploatering@example.org",
    ]
    assert "Vi har ännu inte fått nämndens svar" in _text(late.message)
    assert by_key["reminder:tre-2016:exploatering:2016-05-13"].message["Cc"] is None  # not before it is late

    bromma = by_key["reminder:tre-2016:bromma:2016-05-20"].message
    assert bromma["Cc"] is None  # the extension's deadline is today: not late
    assert "I dag, 20 maj 2016, är sista svarsdag enligt nämndens anstånd." in _text(bromma)

    status = {
        s.organisation: s for s in operations.status(open_work(workspace, round_id, today=D(2016, 5, 22)))
    }
    assert {o: s.reminders for o, s in status.items()} == {o: len(EXPECTED.get(o, [])) for o in recipients}
    assert status["bromma"].extension == "2016-05-20" and status["bromma"].last_reminder == "2016-05-20"
    assert status["idrott"].status == "incomplete" and not status["idrott"].late
    assert status["kultur"].status == "complete" and status["arbetsmarknad"].reminders == 0


def _text(message) -> str:
    """The plain-text body as a reader sees it (SMTP carries CRLF line endings)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _reminders_received(smtp) -> int:
    """Reminders only: receipts (kvittenser) for the collected files go out through the same outbox."""
    return sum(1 for r in smtp.recorder.received if r.key.startswith("reminder:"))
