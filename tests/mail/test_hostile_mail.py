"""Issue 17, points 2, 4 and 5, through the real `remiss fetch` against a real Dovecot and a loopback
SMTP server: poison messages do not block the mailbox, the city's server is no relay, and
attachments are known by their content.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import json
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import quote

import pytest
from tests.intake.console import run_remiss, snapshot
from tests.mail.support import PASSWORD, USER, answer_files

from remiss.mail.imap import FAILED, KEYWORD, _login

pytestmark = pytest.mark.slow
D = dt.date
KULTUR = "registrator.kultur@example.org"  # in the catalog
IDROTT = "registrator.idrott@example.org"


def _message(sender: str, subject: str, files: dict[str, bytes], **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, USER, subject
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Hej! Här kommer vårt svar.\n")
    for name, data in files.items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message


def _with_raw_name(message: EmailMessage, placeholder: str, raw: str) -> bytes:
    """The message with one attachment's filename parameter replaced by `raw` (as a hostile client writes)."""
    data = bytes(message)
    old = f'filename="{placeholder}"'.encode()
    assert old in data
    return data.replace(old, raw.encode())


def _nested(sender: str, depth: int) -> bytes:
    inner = b"From: x@example.org\r\nSubject: innerst\r\n\r\nhej\r\n"
    for _ in range(depth):
        inner = b"Content-Type: message/rfc822\r\n\r\n" + inner
    message_id = make_msgid(domain="example.org")
    head = f"From: {sender}\r\nTo: {USER}\r\nSubject: Djupt\r\nMessage-ID: {message_id}\r\n"
    return head.encode() + b"MIME-Version: 1.0\r\n" + inner


def _deliver(dovecot, *messages: bytes | EmailMessage) -> None:
    imap = imaplib.IMAP4("127.0.0.1", dovecot.port)
    _login(imap, USER, PASSWORD)
    for message in messages:
        data = message if isinstance(message, bytes) else bytes(message)
        typ, _ = imap.append("INBOX", None, imaplib.Time2Internaldate(time.time()), data)
        assert typ == "OK"
        time.sleep(1.1)  # distinct arrival times, as real mail has
    imap.logout()


def _flags(dovecot) -> list[bytes]:
    imap = imaplib.IMAP4("127.0.0.1", dovecot.port)
    _login(imap, USER, PASSWORD)
    imap.select("INBOX")
    _, data = imap.fetch("1:*", "(FLAGS)")
    imap.logout()
    return [d for d in data if d]


@pytest.fixture
def round_id(workspace, launched, smtp, dovecot, monkeypatch) -> str:
    for name, value in {**smtp.env(), **dovecot.env()}.items():
        monkeypatch.setenv(name, value)
    made = launched("post-2016", D(2016, 5, 13), ["kultur", "idrott"])
    smtp.recorder.received.clear()
    return made


def _fetch(workspace, round_id: str, cwd: Path):
    run = run_remiss(workspace.home, "fetch", round_id, "--json", cwd=cwd)
    assert "Traceback" not in run.err, run.err
    return run


def test_poison_messages_are_marked_reported_and_answered_and_the_fetch_goes_on(
    workspace, round_id, smtp, dovecot, tmp_path
):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    kultur = answer_files(workspace, round_id, "kultur", tmp_path / "kultur")
    idrott = answer_files(workspace, round_id, "idrott", tmp_path / "idrott")
    word = kultur[0].read_bytes()
    hostile_names = {
        "crlf": "filename*=utf-8''" + quote("svar\r\nBcc: offer@outside.example\r\n.docx"),
        "dots": 'filename=".."',
        "long": "filename*=utf-8''" + quote("ö" * 150 + ".docx"),
        "nul": "filename*=utf-8''" + quote("svar\0kultur.docx"),
    }
    hostile = [
        _with_raw_name(_message(KULTUR, f"Namn {key}", {"X.docx": word}), "X.docx", raw)
        for key, raw in hostile_names.items()
    ]
    deep = _nested(KULTUR, 1200)
    honest = _message(IDROTT, "Svar från idrott", {p.name: p.read_bytes() for p in idrott})
    _deliver(dovecot, *hostile, deep, honest)
    outside = snapshot(tmp_path / "kultur", tmp_path / "idrott", cwd)

    run = _fetch(workspace, round_id, cwd)
    assert run.code == 0, run.err
    taken = {m["subject"]: m for m in json.loads(run.out)}
    assert len(taken) == 6
    for key in hostile_names:  # each hostile name is data: the file itself is read, once
        (item,) = taken[f"Namn {key}"]["files"]
        assert item["outcome"] in ("accepted", "duplicate") and item["organisation"] == "kultur", item
        assert "\n" not in item["file"] and "\0" not in item["file"]
    assert "Meddelandet kunde inte behandlas" in taken["Djupt"]["note"]
    assert "nivåer" in taken["Djupt"]["note"] and taken["Djupt"]["refusals"] == 1
    assert [f["outcome"] for f in taken["Svar från idrott"]["files"]] == ["accepted", "accepted"]
    flags = _flags(dovecot)
    assert sum(FAILED.encode() in f for f in flags) == 1 and sum(KEYWORD.encode() in f for f in flags) == 5

    sent = smtp.recorder.wait_for(1)
    assert not any("outside.example" in rcpt for r in sent for rcpt in r.rcpt_tos)
    (answer,) = [r for r in sent if r.key.startswith("unhandled:")]
    assert answer.rcpt_tos == [KULTUR]
    assert "kunde inte behandlas automatiskt" in answer.message.get_body(("plain",)).get_content()
    for received in sent:
        assert "\r" not in str(received.message["Subject"]) and "\n" not in str(received.message["Subject"])
        assert "Bcc" not in received.message

    again = _fetch(workspace, round_id, cwd)  # nothing left that blocks: the next fetch is clean
    assert again.code == 0 and json.loads(again.out) == []
    assert snapshot(tmp_path / "kultur", tmp_path / "idrott", cwd) == outside


def test_fetch_never_answers_strangers_or_reply_to_and_answers_a_known_sender_once(
    workspace, round_id, smtp, dovecot, tmp_path
):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    refused = {f"fil {n}.docx": f"inte ett svar {n}".encode() for n in range(200)}
    relay = _message(
        "Okänd <stranger@outside.example>", "Många filer", refused, Reply_To="someone@outside.example"
    )
    idrott = answer_files(workspace, round_id, "idrott", tmp_path / "idrott")
    stranger_answer = _message(
        "Okänd <stranger@outside.example>",
        "Svar idrott",
        {p.name: p.read_bytes() for p in idrott},
        Reply_To="someone@outside.example",
    )
    known = _message(
        f"Kultur <{KULTUR}>",
        "Två fel",
        {"ett.docx": b"inte heller", "två.docx": b"inte heller 2"},
        Reply_To="someone@outside.example",
    )
    _deliver(dovecot, relay, stranger_answer, known)

    run = _fetch(workspace, round_id, cwd)
    assert run.code == 3, run.err  # files were refused
    taken = {m["subject"]: m for m in json.loads(run.out)}
    assert len(taken["Många filer"]["files"]) == 200 and taken["Många filer"]["refusals"] == 0
    assert "finns inte i katalogen" in taken["Många filer"]["note"]
    assert [f["outcome"] for f in taken["Svar idrott"]["files"]] == ["accepted", "accepted"]
    assert taken["Två fel"]["refusals"] == 1

    sent = smtp.recorder.wait_for(3)
    time.sleep(1)
    assert all(rcpt.endswith("@example.org") for r in sent for rcpt in r.rcpt_tos), [r.rcpt_tos for r in sent]
    (refusal,) = [r for r in sent if r.key.startswith("refusal:")]  # one, listing both files
    assert refusal.rcpt_tos == [KULTUR]
    text = refusal.message.get_body(("plain",)).get_content()
    assert "ett.docx" in text and "två.docx" in text
    receipts = [r for r in sent if r.key.startswith("receipt:")]
    assert len(receipts) == 1 and receipts[0].rcpt_tos == [IDROTT]  # one message, one receipt


def test_a_nameless_or_mislabelled_answer_is_known_by_its_content(
    workspace, round_id, smtp, dovecot, tmp_path
):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    word, excel = answer_files(workspace, round_id, "kultur", tmp_path / "kultur")
    message = _message(f"Kultur <{KULTUR}>", "Utan namn", {})
    message.add_attachment(word.read_bytes(), maintype="application", subtype="octet-stream")
    message.add_attachment(excel.read_bytes(), maintype="image", subtype="png", filename="bild.png")
    _deliver(dovecot, message)

    run = _fetch(workspace, round_id, cwd)
    assert run.code == 0, run.err
    (taken,) = json.loads(run.out)
    files = taken["files"]
    assert [(f["outcome"], f["organisation"]) for f in files] == [("accepted", "kultur")] * 2
    assert "saknade filnamn" in files[0]["note"] and "Word-fil" in files[0]["note"]
    assert "märkt som image/png" in files[1]["note"]
