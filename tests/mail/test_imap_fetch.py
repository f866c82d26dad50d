"""Mail in from a real IMAP server on loopback (Dovecot): attachments collected, senders kept,
refusals sent back, and every message taken exactly once."""

from __future__ import annotations

import datetime as dt
import imaplib
import time
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select
from tests.helpers import run_json
from tests.mail.support import PASSWORD, USER, answer_files

from remiss.errors import MailError
from remiss.mail.imap import KEYWORD, _login
from remiss.mail.settings import imap_from_env, smtp_from_env
from remiss.services import operations
from remiss.services.intake.inbox import fetch_mail
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import ReceivedFileRow

D = dt.date
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


pytestmark = pytest.mark.slow  # a real Dovecot per test


def _message(sender: str, subject: str, files: dict[str, bytes], **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, USER, subject
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Hej! Här kommer vårt svar.\n")
    for name, data in files.items():
        maintype, subtype = ("image", "png") if name.endswith(".png") else ("application", "octet-stream")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def _imap(dovecot) -> imaplib.IMAP4:
    imap = imaplib.IMAP4("127.0.0.1", dovecot.port)
    _login(imap, USER, PASSWORD)
    return imap


def _deliver(dovecot, *messages: EmailMessage, folder: str = "INBOX") -> None:
    """Put messages in the mailbox, as the mail system does when they arrive."""
    imap = _imap(dovecot)
    for message in messages:
        typ, _ = imap.append(folder, None, imaplib.Time2Internaldate(time.time()), bytes(message))
        assert typ == "OK"
    imap.logout()


def _flags(dovecot, folder: str = "INBOX") -> list[bytes]:
    imap = _imap(dovecot)
    imap.select(folder)
    _, data = imap.fetch("1:*", "(FLAGS)")
    imap.logout()
    return [d for d in data if d]


@pytest.fixture
def mailbox_round(workspace, launched, smtp, dovecot, monkeypatch) -> str:
    for name, value in {**smtp.env(), **dovecot.env()}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("REMISS_MAIL_DOMAINS", "example.org")  # the city's own domain: its senders get answers
    round_id = launched("post-2016", D(2016, 5, 13), ["kultur", "idrott"])
    smtp.recorder.received.clear()  # the requests, sent at launch in real use
    return round_id


def test_fetch_collects_attachments_refuses_bad_files_and_takes_each_message_once(
    workspace, mailbox_round, smtp, dovecot, tmp_path
):
    kultur_files = answer_files(workspace, mailbox_round, "kultur", tmp_path / "kultur")
    answer = _message(
        "Kulturförvaltningen <registrator.kultur@example.org>",
        "Svar på remissen",
        {p.name: p.read_bytes() for p in kultur_files} | {"logga.png": PNG},
    )
    broken = _message(
        "Anna Svensson <anna.svensson@example.org>", "Svar idrott", {"Svar idrott.docx": b"hej"}
    )
    autoreply = _message(
        "Frånvaro <franvaro@example.org>",
        "Frånvaro",
        {"annat.docx": b"inte heller"},
        Auto_Submitted="auto-replied",
    )
    question = _message("Per Persson <per.persson@example.org>", "Fråga om remissen", {})
    _deliver(dovecot, answer, broken, autoreply, question)

    taken = run_json("fetch", mailbox_round, expect=3)  # 3: a file was refused
    by_subject = {m["subject"]: m for m in taken}
    assert len(taken) == 4
    assert [
        (f["file"], f["outcome"], f["organisation"]) for f in by_subject["Svar på remissen"]["files"]
    ] == [
        (kultur_files[0].name, "accepted", "kultur"),
        (kultur_files[1].name, "accepted", "kultur"),
    ]  # the picture in the signature is not a submission
    (refused,) = by_subject["Svar idrott"]["files"]
    assert refused["outcome"] == "rejected" and by_subject["Svar idrott"]["refusals"] == 1
    assert by_subject["Frånvaro"]["refusals"] == 0  # never answer an automatic reply
    assert by_subject["Fråga om remissen"]["note"] == "inga bifogade filer"

    (reply,) = [r for r in smtp.recorder.received if r.key.startswith("refusal:")]
    assert reply.rcpt_tos == ["anna.svensson@example.org"]
    assert reply.message["Subject"].startswith("Filen kunde inte tas emot: Svar idrott.docx")
    assert reply.message["In-Reply-To"] == broken["Message-ID"]
    assert reply.message["Auto-Submitted"] == "auto-replied"
    text = reply.message.get_body(("plain",)).get_content()
    assert "Filen Svar idrott.docx som ni skickade" in text and f"Orsak: {refused['reason']}" in " ".join(
        text.split()
    )

    with open_database(workspace.database_url).session() as session:
        senders = dict(session.execute(select(ReceivedFileRow.original_name, ReceivedFileRow.sender)).all())
    assert senders[kultur_files[0].name] == "registrator.kultur@example.org"
    assert senders["Svar idrott.docx"] == "anna.svensson@example.org"
    assert all(KEYWORD.encode() in f for f in _flags(dovecot))
    status = {
        s.organisation: s.status
        for s in operations.status(open_work(workspace, mailbox_round, today=D(2016, 5, 10)))
    }
    assert status == {"kultur": "complete", "idrott": "missing"}

    # Again: nothing is new. And a message whose mark was lost is recognised and not taken twice.
    assert fetch_mail(open_work(workspace, mailbox_round), imap_from_env()) == []
    imap = _imap(dovecot)
    imap.select("INBOX")
    imap.store("2", "-FLAGS", f"({KEYWORD})")
    imap.logout()
    (again,) = fetch_mail(open_work(workspace, mailbox_round), imap_from_env())
    assert again.note == "redan inläst tidigare" and again.files == []
    assert operations.send_outbox(workspace, smtp_from_env()).sent == []  # no second refusal recorded
    assert len([r for r in smtp.recorder.received if r.key.startswith("refusal:")]) == 1
    assert all(KEYWORD.encode() in f for f in _flags(dovecot))


def test_taken_messages_move_to_the_processed_folder(
    workspace, mailbox_round, dovecot, monkeypatch, tmp_path
):
    monkeypatch.setenv("REMISS_IMAP_PROCESSED_FOLDER", "Behandlade remissvar")
    files = answer_files(workspace, mailbox_round, "idrott", tmp_path / "idrott")
    _deliver(
        dovecot, _message("registrator.idrott@example.org", "Svar", {p.name: p.read_bytes() for p in files})
    )
    (taken,) = fetch_mail(open_work(workspace, mailbox_round), imap_from_env())
    assert [f.outcome for f in taken.files] == ["accepted", "accepted"]
    imap = _imap(dovecot)
    assert imap.select("INBOX")[1] == [b"0"]
    assert imap.select('"Behandlade remissvar"')[1] == [b"1"]
    imap.logout()
    assert fetch_mail(open_work(workspace, mailbox_round), imap_from_env()) == []


def test_one_message_with_word_and_excel_gets_one_receipt_saying_nothing_is_missing(
    workspace, mailbox_round, smtp, dovecot, tmp_path
):
    """A message is one sending: its two files are answered by one receipt, mailed over SMTP."""
    files = answer_files(workspace, mailbox_round, "idrott", tmp_path / "idrott")
    _deliver(
        dovecot,
        _message("registrator.idrott@example.org", "Svar", {p.name: p.read_bytes() for p in files}),
    )
    (taken,) = fetch_mail(open_work(workspace, mailbox_round), imap_from_env())
    assert [f.outcome for f in taken.files] == ["accepted", "accepted"]
    operations.send_outbox(workspace, smtp_from_env())
    receipts = [r for r in smtp.recorder.wait_for(1) if r.key.startswith("receipt:")]
    assert len(receipts) == 1, [r.key for r in receipts]
    text = receipts[0].message.get_body(("plain",)).get_content()
    assert all(p.name in text for p in files), text
    assert "har ännu inte kommit in" not in text


def test_wrong_imap_password_is_a_swedish_error_naming_user_and_server(
    workspace, mailbox_round, dovecot, monkeypatch
):
    monkeypatch.setenv("REMISS_IMAP_PASSWORD", "fel")
    with pytest.raises(MailError) as failure:
        fetch_mail(open_work(workspace, mailbox_round), imap_from_env())
    assert f"Inloggningen som {USER} på IMAP-servern 127.0.0.1:{dovecot.port} misslyckades" in str(
        failure.value
    )


def test_missing_imap_settings_are_named(monkeypatch):
    with pytest.raises(Exception, match="REMISS_IMAP_HOST är inte satt"):
        imap_from_env()
