"""Mail out through a real SMTP server on loopback (aiosmtpd): what arrives, and what does not."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import select
from tests.helpers import run_cli
from tests.mail.support import SmtpServer, free_port

from remiss.errors import ConfigError, DeliveryError
from remiss.mail.settings import smtp_from_env, smtp_from_mapping
from remiss.mail.smtp import SmtpConnection
from remiss.services import operations, outbox
from remiss.store.database import open_database
from remiss.store.schema import OutboxRow

DEADLINE = dt.date(2016, 5, 13)


def _rows(workspace) -> list[OutboxRow]:
    with open_database(workspace.database_url).session() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def test_requests_arrive_with_recipients_swedish_text_and_templates_that_open(
    workspace, launched, smtp, monkeypatch
):
    for name, value in smtp.env().items():
        monkeypatch.setenv(name, value)
    round_id = launched("sm-2016", DEADLINE, ["kultur", "exploatering"])
    report = operations.send_outbox(workspace, smtp_from_env())
    assert sorted(report.sent) == ["request:sm-2016:exploatering", "request:sm-2016:kultur"]
    received = {r.rcpt_tos[0]: r for r in smtp.recorder.received}
    assert set(received) == {"registrator.kultur@example.org", "registrator.exploatering@example.org"}
    kultur = received["registrator.kultur@example.org"]
    assert kultur.mail_from == "remiss@stockholm.example.org"
    message = kultur.message
    assert message["Subject"].startswith("Remiss: Kommissionen för ett socialt hållbart Stockholm")
    assert "svar senast 13 maj 2016" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Till Kulturnämnden")
    assert "4.4.2 Stärk bibliotekens roll" in body  # the åtgärd kultur answers
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert sorted(files) == [f"remissvar-{round_id}-kultur.docx", f"remissvar-{round_id}-kultur.xlsx"]
    word = docx.Document(io.BytesIO(files[f"remissvar-{round_id}-kultur.docx"]))
    assert any("4.4.2" in p.text for p in word.paragraphs)
    sheet = openpyxl.load_workbook(io.BytesIO(files[f"remissvar-{round_id}-kultur.xlsx"])).active
    assert any("4.4.2" in str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    # What was sent is the record: the stored .eml, byte for byte but for line endings.
    rows = {r.organisation_id: r for r in _rows(workspace)}
    stored = Path(rows["kultur"].eml_path).read_bytes()
    assert kultur.data.replace(b"\r\n", b"\n") == stored
    assert message["Message-ID"] == rows["kultur"].message_id
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows.values())
    # Nothing is sent twice.
    assert operations.send_outbox(workspace, smtp_from_env()).sent == []
    assert len(smtp.recorder.received) == 2


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_login_over_starttls_and_implicit_tls(workspace, launched, certificate, monkeypatch, security):
    with SmtpServer(security, cert=certificate, login=True) as server:
        for name, value in server.env(login=True).items():
            monkeypatch.setenv(name, value)
        launched("tls-2016", DEADLINE, ["kultur"])
        report = operations.send_outbox(workspace, smtp_from_env())
        assert report.sent == ["request:tls-2016:kultur"] and report.failed == {}
        assert [r.rcpt_tos for r in server.recorder.received] == [["registrator.kultur@example.org"]]


def test_wrong_password_is_a_permanent_swedish_error_and_the_message_waits(
    workspace, launched, certificate, monkeypatch
):
    with SmtpServer("starttls", cert=certificate, login=True) as server:
        for name, value in server.env(login=True).items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("REMISS_SMTP_PASSWORD", "fel")
        launched("pw-2016", DEADLINE, ["kultur"])
        sleeps: list[float] = []
        report = outbox.dispatch(open_database(workspace.database_url), smtp_from_env(), sleep=sleeps.append)
        error = report.failed["request:pw-2016:kultur"]
        assert "Inloggningen som remiss@example.org" in error and f"127.0.0.1:{server.port}" in error
        assert sleeps == []  # a refused login is not retried within the run
        assert server.recorder.received == []
        (row,) = _rows(workspace)
        assert row.sent_at is None and row.last_error == error and row.next_attempt_at is not None


def test_temporary_refusal_is_retried_with_backoff_and_delivered_once(workspace, launched, smtp, monkeypatch):
    for name, value in smtp.env().items():
        monkeypatch.setenv(name, value)
    launched("retry-2016", DEADLINE, ["kultur"])
    smtp.recorder.refuse_next = 2  # the server answers 451 twice, then accepts
    sleeps: list[float] = []
    report = outbox.dispatch(open_database(workspace.database_url), smtp_from_env(), sleep=sleeps.append)
    assert report.sent == ["request:retry-2016:kultur"]
    assert sleeps == [2.0, 4.0]
    assert len(smtp.recorder.received) == 1
    (row,) = _rows(workspace)
    assert row.attempts == 3 and row.sent_at is not None and row.last_error is None


def test_server_down_keeps_the_message_until_a_later_run_sends_it(workspace, launched, monkeypatch):
    port = free_port()  # nothing listens here yet
    monkeypatch.setenv("REMISS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("REMISS_SMTP_PORT", str(port))
    monkeypatch.setenv("REMISS_SMTP_SECURITY", "none")
    launched("down-2016", DEADLINE, ["kultur"])
    db, settings = open_database(workspace.database_url), smtp_from_env()
    start = dt.datetime(2016, 5, 2, 8, 0, tzinfo=dt.UTC)
    report = outbox.dispatch(db, settings, now=lambda: start, sleep=lambda _: None)
    assert f"E-postservern 127.0.0.1:{port} kunde inte nås" in report.failed["request:down-2016:kultur"]
    (row,) = _rows(workspace)
    assert row.sent_at is None and row.next_attempt_at == start + outbox.RETRY_BASE
    with db.session() as session:  # what `remiss send` lists meanwhile: when it is tried again, and why
        waiting = outbox.not_going_out(session, start + dt.timedelta(minutes=1))
    expected = "nytt försök 2016-05-02 10:05 (efter 1 försök): E-postservern "
    assert waiting["request:down-2016:kultur"].startswith(expected)
    with SmtpServer(port=port) as server:
        # Within the backoff nothing is tried; after it, the message goes, once.
        assert outbox.dispatch(db, settings, now=lambda: start + dt.timedelta(minutes=1)).sent == []
        later = start + dt.timedelta(minutes=6)
        assert outbox.dispatch(db, settings, now=lambda: later).sent == ["request:down-2016:kultur"]
        assert outbox.dispatch(db, settings, now=lambda: later).sent == []
        assert len(server.recorder.received) == 1


def test_without_smtp_only_eml_files_are_written_and_never_sent_later(workspace, launched, smtp):
    launched("eml-2016", DEADLINE, ["kultur"])
    (row,) = _rows(workspace)
    assert Path(row.eml_path).is_file() and row.deliver is False
    assert smtp_from_env() is None
    assert operations.send_outbox(workspace, None).sent == []
    # Configuring SMTP afterwards does not send what was recorded as file-only.
    settings = smtp_from_mapping({"host": "127.0.0.1", "port": smtp.port, "security": "none"}, "test")
    assert outbox.dispatch(open_database(workspace.database_url), settings).sent == []
    assert smtp.recorder.received == []


def test_send_lists_every_message_not_going_out_and_why(workspace, launched):
    launched("wait-2016", DEADLINE, ["kultur", "idrott"])
    output = " ".join(run_cli("send", "wait-2016", "--all").split())
    assert "0 meddelanden skickade. 2 meddelanden går inte ut nu:" in output
    for org in ("kultur", "idrott"):
        eml = workspace.round_outbox("wait-2016", org) / "begaran.eml"
        assert f"request:wait-2016:{org}: skrevs utan SMTP-inställningar och skickas aldrig" in output
        assert f"skicka {eml} för hand" in output


def test_refused_recipients_are_reported_and_the_rest_delivered(smtp):
    settings = smtp_from_mapping({"host": "127.0.0.1", "port": smtp.port, "security": "none"}, "test")
    smtp.recorder.unknown = {"finns.inte@example.org"}
    data = b"From: a@example.org\nTo: b@example.org\nSubject: test\n\nHej\n"
    with SmtpConnection(settings) as connection:
        assert connection.send(data, "a@example.org", ["b@example.org", "finns.inte@example.org"]) == [
            "finns.inte@example.org"
        ]
        with pytest.raises(DeliveryError) as failure:
            connection.send(data, "a@example.org", ["finns.inte@example.org"])
    assert not failure.value.transient
    assert "finns.inte@example.org (550 5.1.1 Okänd mottagare)" in str(failure.value)
    assert [r.rcpt_tos for r in smtp.recorder.received] == [["b@example.org"]]
    assert smtp.recorder.received[0].data.endswith(b"Hej\r\n")  # CRLF on the wire


def test_settings_errors_name_the_variable(monkeypatch):
    monkeypatch.setenv("REMISS_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("REMISS_SMTP_SECURITY", "ssl")
    with pytest.raises(ConfigError, match="REMISS_SMTP_SECURITY: 'ssl' ska vara none, starttls eller tls"):
        smtp_from_env()
    monkeypatch.setenv("REMISS_SMTP_SECURITY", "tls")
    monkeypatch.setenv("REMISS_SMTP_PORT", "sjutton")
    with pytest.raises(ConfigError, match="REMISS_SMTP_PORT: 'sjutton' ska vara ett portnummer"):
        smtp_from_env()
    monkeypatch.delenv("REMISS_SMTP_PORT")
    assert smtp_from_env().port == 465
    assert "password" not in repr(smtp_from_mapping({"host": "h", "password": "x"}, "b")).replace(
        "password=", ""
    ) or "x" not in repr(smtp_from_mapping({"host": "h", "password": "x"}, "b"))
