"""Fixtures for chasing and mail: a fresh workspace, real SMTP and IMAP servers on loopback."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from tests.mail.support import Dovecot, SmtpServer, make_certificate, write_round

from remiss.services import operations
from remiss.services.work import open_work
from remiss.settings import Workspace

MAIL_ENV = ("REMISS_SMTP_", "REMISS_IMAP_", "REMISS_MAIL_FROM")


@pytest.fixture(autouse=True)
def no_mail_settings(monkeypatch, tmp_path):
    """No mail server configured, whatever the machine's environment holds; never the cwd as home."""
    for name in list(os.environ):
        if name.startswith(MAIL_ENV):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REMISS_HOME", str(tmp_path / "home"))


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Workspace:
    home = tmp_path / "remiss"
    home.mkdir()
    monkeypatch.setenv("REMISS_HOME", str(home))
    monkeypatch.delenv("REMISS_DATABASE_URL", raising=False)
    return Workspace.from_env()


@pytest.fixture
def launched(workspace, tmp_path):
    """Create and launch a small round: `launched(round_id, deadline, recipients, **policy)`."""

    def make(round_id: str, deadline: dt.date, recipients: list[str], **reminders: object) -> str:
        path = write_round(tmp_path, round_id, deadline, recipients, reminders)
        created, _ = operations.create_round(workspace, path)
        operations.launch(open_work(workspace, created))
        return created

    return make


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture(scope="session")
def dovecot_binary() -> str:
    binary = shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if Path(p).is_file()), None)
    if binary is None:
        message = "dovecot not installed; scripts/test.sh installs dovecot-imapd as root"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return binary


@pytest.fixture
def dovecot(dovecot_binary):
    with Dovecot(dovecot_binary) as server:
        yield server
