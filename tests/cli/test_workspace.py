"""A workspace is made only by the commands that create one; reading never makes an empty one."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import run_cli

from remiss import resources
from remiss.cli import app, failures


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("REMISS_DATABASE_URL", raising=False)
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [["round", "list"], ["round", "show", "sh-2016"], ["round", "files", "sh-2016"], ["status", "sh-2016"],
     ["log", "sh-2016"], ["user", "list"]],
)  # fmt: skip
def test_reading_an_empty_folder_says_there_is_no_workspace_and_creates_none(home, monkeypatch, capsys, argv):
    monkeypatch.setenv("REMISS_HOME", str(home / "ws"))
    (home / "ws").mkdir()
    said = _fails(capsys, *argv)
    assert f"Det finns ingen arbetsmapp i {home / 'ws'} än" in said
    assert "REMISS_HOME" in said and "remiss round create" in said
    assert list((home / "ws").iterdir()) == []


def test_a_typo_in_remiss_home_is_an_error_naming_the_path(home, monkeypatch, capsys):
    monkeypatch.setenv("REMISS_HOME", str(home / "finns-inte" / "ws"))
    said = _fails(capsys, "round", "list")
    assert f"mappen {home / 'finns-inte'} finns inte" in said
    assert not (home / "finns-inte").exists()


def test_round_create_still_makes_a_fresh_workspace(home, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(home / "ny"))
    text = resources.bundled_round().read_text(encoding="utf-8")
    text = text.replace("catalog: ../catalog.yaml", f"catalog: {resources.default_catalog()}")
    (home / "r.yaml").write_text(text, encoding="utf-8")
    assert "sh-2016" in run_cli("round", "create", str(home / "r.yaml"))
    assert (home / "ny" / "remiss.db").exists()
    assert "sh-2016" in run_cli("round", "list")


def _fails(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """What the command says (as `remiss` would, through its error boundary); it must fail."""
    assert failures.run(app, list(argv)) != 0
    captured = capsys.readouterr()
    return " ".join((captured.out + captured.err).split())


def test_a_database_url_to_a_missing_file_names_the_database(home, monkeypatch, capsys):
    monkeypatch.setenv("REMISS_HOME", str(home))
    monkeypatch.setenv("REMISS_DATABASE_URL", f"sqlite:///{home / 'annan.db'}")
    said = _fails(capsys, "extend", "sh-2016", "bromma", "2016-06-01")
    assert f"Det finns ingen arbetsmapp med databasen sqlite:///{home / 'annan.db'} än" in said
    assert "REMISS_DATABASE_URL" in said and not (home / "annan.db").exists()
