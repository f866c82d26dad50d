"""The mail for "Behöver kompletteras", sent through a real SMTP server on loopback: it carries the
nämnd's answer page as the request mail does (a fresh link; the one in the request then ends),
and no link when the desk has ended the nämnd's link."""

from __future__ import annotations

import datetime as dt
import re

from tests.mail.support import SmtpServer

from remiss.mail.settings import smtp_from_env
from remiss.services import links, operations, review
from remiss.services.work import open_work

DEADLINE = dt.date(2016, 5, 13)
LINK = re.compile(r"^  (http://\S+/svar/(\S+))$", re.MULTILINE)


def _body(received) -> str:
    return received.message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _sent(workspace, smtp: SmtpServer, prefix: str) -> list[str]:
    operations.send_outbox(workspace, smtp_from_env())
    return [_body(r) for r in smtp.recorder.received if r.key.startswith(prefix)]


def _ask_completion(workspace, round_id: str, org: str) -> None:
    work = open_work(workspace, round_id, today=dt.date(2016, 5, 2), by="anna")
    with work.db.session() as session:
        review.request_completion(session, work, org, "Beskriv kostnaden för 4.4.2.", new_deadline=DEADLINE)


def test_the_completion_mail_repeats_the_namnds_answer_page_as_the_request_does(
    workspace, launched, smtp, monkeypatch
):
    for name, value in smtp.env().items():
        monkeypatch.setenv(name, value)
    round_id = launched("komp-2016", dt.date(2016, 5, 6), ["kultur"])
    (request,) = _sent(workspace, smtp, "request:")
    _, first_token = LINK.search(request).groups()
    _ask_completion(workspace, round_id, "kultur")
    (completion,) = _sent(workspace, smtp, "completion:")
    url, token = LINK.search(completion).groups()
    assert url == links.link_url(token)
    assert (
        "Skicka det kompletterade svaret senast 13 maj 2016. Använd samma Word- och Excelfil som förut; "
        "den nya versionen ersätter den förra.\n\n"
        "Ni kan också komplettera svaret direkt i webbläsaren, eller ladda upp de kompletterade filerna, "
        f"på nämndens egen sida:\n  {url}\n"
        "Länken är personlig för nämnden och gäller tills remissomgången stängs. Dela den bara med dem "
        "som ska skriva svaret. Den här länken ersätter den ni har fått tidigare, som inte längre gäller.\n\n"
        "Med vänlig hälsning\n"
    ) in completion
    # The request's own paragraph is the same text (one macro), with its own first and last words.
    assert "Ni kan också svara direkt i webbläsaren, eller ladda upp de ifyllda filerna, på" in request
    assert "Dela den bara med dem som ska skriva svaret. Skickas mallarna igen får ni en ny länk" in request
    db = open_work(workspace, round_id).db
    with db.session() as session:
        opened = links.resolve(session, token)
        assert opened.state is links.LinkState.LIVE
        assert (opened.round_id, opened.organisation_id) == (round_id, "kultur")
        assert links.resolve(session, first_token).state is links.LinkState.REPLACED


def test_no_link_in_the_completion_mail_once_the_desk_has_ended_it(workspace, launched, smtp, monkeypatch):
    for name, value in smtp.env().items():
        monkeypatch.setenv(name, value)
    round_id = launched("utan-2016", dt.date(2016, 5, 6), ["kultur"])
    assert links.revoke(open_work(workspace, round_id), "kultur") == 1
    _ask_completion(workspace, round_id, "kultur")
    (completion,) = _sent(workspace, smtp, "completion:")
    assert "/svar/" not in completion and "webbläsaren" not in completion
    ending = "den nya versionen ersätter den förra.\n\nMed vänlig hälsning\nStadsledningskontoret\n"
    assert completion.endswith(ending)
    with open_work(workspace, round_id).db.session() as session:
        assert not links.has_live_link(session, round_id, "kultur")
