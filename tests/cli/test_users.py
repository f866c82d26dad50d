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


def _account_with_a_session(home, url: str, monkeypatch) -> str:
    """anna, a coordinator logged in on the desk; returns her session's cookie value."""
    from remiss.services import accounts

    monkeypatch.setenv("REMISS_HOME", str(home))
    monkeypatch.setenv("REMISS_DATABASE_URL", url)
    with open_database(url).session() as session:
        accounts.add_user(session, "anna", "hemligt-lösen-1", accounts.Role.COORDINATOR)
    with open_database(url).session() as session:
        return accounts.open_session(session, accounts.authenticate(session, "anna", "hemligt-lösen-1")).token


def test_a_disabled_account_cannot_log_in_and_its_open_sessions_end(tmp_path, monkeypatch, store_url):
    from remiss.services import accounts

    cookie = _account_with_a_session(tmp_path, store_url, monkeypatch)
    assert run_cli("user", "disable", "anna") == (
        "anna är spärrat (1 öppna sessioner avslutades); remiss user add anna öppnar det igen.\n"
    )
    with open_database(store_url).session() as session:
        assert accounts.find_session(session, cookie) is None
        assert accounts.authenticate(session, "anna", "hemligt-lösen-1") is None
    assert run_cli("user", "list") == "anna\tsamordnare\tspärrat\n"
    CliRunner().invoke(app, ["user", "add", "anna"], input="hemligt-lösen-2\n")
    with open_database(store_url).session() as session:
        assert accounts.authenticate(session, "anna", "hemligt-lösen-2") is not None
    assert run_cli("user", "list") == "anna\tsamordnare\n"


def test_a_new_password_or_role_ends_the_accounts_open_sessions(tmp_path, monkeypatch, store_url):
    """A coordinator made a reader, or whose password leaked, does not keep her session 10 hours."""
    from remiss.services import accounts

    cookie = _account_with_a_session(tmp_path, store_url, monkeypatch)
    CliRunner().invoke(app, ["user", "add", "anna", "--role", "läsare"], input="hemligt-lösen-3\n")
    with open_database(store_url).session() as session:
        assert accounts.find_session(session, cookie) is None


def test_disabling_an_unknown_account_names_the_known_ones(tmp_path, monkeypatch, capsys):
    from remiss.cli import failures

    _account_with_a_session(tmp_path, f"sqlite:///{tmp_path / 'remiss.db'}", monkeypatch)
    assert failures.run(app, ["user", "disable", "bo"]) == 2
    said = capsys.readouterr()
    assert said.err == "Fel: Kontot 'bo' finns inte (konton: anna).\n", said
