"""A fresh small launched round per test, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from tests.lifecycle.support import launched

from remiss.settings import Workspace


@pytest.fixture(params=["sqlite", "postgresql"])
def ws(request, tmp_path, monkeypatch) -> Workspace:
    for name in list(os.environ):
        if name.startswith(("REMISS_SMTP_", "REMISS_IMAP_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REMISS_HOME", str(tmp_path / "home"))
    if request.param == "postgresql":
        monkeypatch.setenv("REMISS_DATABASE_URL", request.getfixturevalue("pg_database")())
    return launched(tmp_path / "home")
