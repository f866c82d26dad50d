"""`remiss user list|add` say what they did: no accounts yet, or an account replaced."""

from __future__ import annotations

from tests.helpers import run_cli
from typer.testing import CliRunner

from remiss.cli import app
from remiss.settings import Workspace
from remiss.store.database import open_database


def test_user_list_says_there_are_none_and_add_says_when_it_replaces(tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path))
    monkeypatch.delenv("REMISS_DATABASE_URL", raising=False)
    add = ["user", "add", "anna"]
    assert CliRunner().invoke(app, add, input="hemligt-lösen-1\n").stdout == "anna: samordnare\n"
    assert run_cli("user", "list") == "anna\tsamordnare\n"
    again = CliRunner().invoke(app, [*add, "--role", "läsare"], input="hemligt-lösen-2\n").stdout
    assert again == "anna fanns redan: nytt lösenord och rollen läsare.\n"
    assert run_cli("user", "list") == "anna\tläsare\n"


def test_user_list_with_no_accounts(tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path))
    monkeypatch.delenv("REMISS_DATABASE_URL", raising=False)
    open_database(Workspace.from_env().database_url)  # a workspace with no accounts
    assert run_cli("user", "list") == (
        "Inga konton ännu: lägg till ett med remiss user add NAMN --role samordnare.\n"
    )
