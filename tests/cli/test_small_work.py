"""Small work without `remiss serve` runs as plain service calls: no Prefect import, same result.

One organisation launched and one file collected must not pay for Prefect's ephemeral API
(several times the work itself); larger work, and any work with REMISS_SMALL_WORK=0, runs
its flow. Each command runs in a child process that reports whether Prefect was imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from remiss import resources

DRIVER = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from remiss.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main(sys.argv[1:])
        except SystemExit as done:
            code = done.code
    json.dump({"code": code, "out": out.getvalue(), "prefect": "prefect" in sys.modules}, sys.__stdout__)
    """
)


def run(home: Path, *argv: str, **env: str) -> dict:
    environment = {**os.environ, "REMISS_HOME": str(home), **env}
    environment.pop("REMISS_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, *argv], env=environment, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout), "err": done.stderr}


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A workspace with a two-recipient copy of the bundled round created (not launched)."""
    text = resources.bundled_round().read_text(encoding="utf-8")
    text = text.replace("id: sh-2016\n", "id: sh-2016-liten\n", 1).replace(
        "recipients: all", "recipients: [bromma, farsta]"
    )
    text = text.replace("catalog: ../catalog.yaml", f"catalog: {resources.default_catalog()}")
    (tmp_path / "liten.yaml").write_text(text, encoding="utf-8")
    assert run(tmp_path, "round", "create", str(tmp_path / "liten.yaml"), "--json")["code"] in (0, None)
    return tmp_path


@pytest.mark.slow  # a child process that imports the whole CLI
def test_one_organisation_launched_and_one_file_collected_without_prefect(home: Path) -> None:
    launched = run(home, "round", "launch", "sh-2016-liten", "--json")
    assert not launched["prefect"]
    assert sorted(i["organisation"] for i in json.loads(launched["out"])) == ["bromma", "farsta"]
    returned = home / "outbox" / "sh-2016-liten" / "bromma" / "remissvar-sh-2016-liten-bromma.docx"
    assert returned.exists()

    collected = run(home, "collect", "sh-2016-liten", str(returned), "--json")
    assert not collected["prefect"]
    [row] = json.loads(collected["out"])
    assert (row["organisation"], row["identified_by"]) == ("bromma", "egenskaper")
    status = json.loads(run(home, "status", "sh-2016-liten", "--json")["out"])
    assert {s["organisation"]: s["received"] is not None for s in status} == {"bromma": True, "farsta": False}


@pytest.mark.slow
def test_with_small_work_off_the_same_commands_run_their_flows(home: Path) -> None:
    launched = run(home, "round", "launch", "sh-2016-liten", "--json", REMISS_SMALL_WORK="0")
    assert launched["prefect"]
    assert len(json.loads(launched["out"])) == 2


def test_a_bad_small_work_setting_is_named(home: Path) -> None:
    said = run(home, "round", "launch", "sh-2016-liten", REMISS_SMALL_WORK="några")
    assert said["code"] == 2 and not said["prefect"]
    assert "REMISS_SMALL_WORK ska vara ett heltal" in said["err"] and "'några'" in said["err"]


@pytest.mark.slow  # a child process that imports the whole CLI
def test_send_without_smtp_lists_nothing_per_message_and_starts_no_prefect(home: Path) -> None:
    env = {"REMISS_SMTP_HOST": "", "REMISS_SMTP_BLOCK": ""}
    assert run(home, "round", "launch", "sh-2016-liten", "--json", **env)["code"] in (0, None)
    said = run(home, "send", **env)
    assert not said["prefect"]
    out = " ".join(said["out"].split())
    assert "2 meddelanden går inte ut: skrevs utan SMTP-inställningar (REMISS_SMTP_HOST)" in out
    assert f".eml-filerna ligger i {home / 'outbox'} – skicka dem för hand." in out
    assert "request:sh-2016-liten:bromma" not in out  # one line per reason, not per message
    every = " ".join(run(home, "send", "--all", **env)["out"].split())
    assert "request:sh-2016-liten:bromma: skrevs utan SMTP-inställningar" in every
    report = json.loads(run(home, "send", "sh-2016-liten", "--json", **env)["out"])
    assert set(report) == {"sent", "failed", "refused", "waiting"}
    assert sorted(report["waiting"]) == ["request:sh-2016-liten:bromma", "request:sh-2016-liten:farsta"]


def test_chase_on_a_day_before_the_requests_went_out_writes_no_reminder(home: Path) -> None:
    assert run(home, "round", "launch", "sh-2016-liten", "--json")["code"] in (0, None)
    said = run(home, "chase", "sh-2016-liten", "--today", "2016-04-20")
    assert not said["prefect"]
    err = " ".join(said["err"].split())
    assert "--today 2016-04-20 ligger före utskicket av 'sh-2016-liten'" in err
    assert "inga påminnelser skrivs för dagar före begäran" in err
    assert json.loads(run(home, "chase", "sh-2016-liten", "--today", "2016-04-20", "--json")["out"]) == []
    assert not list((home / "outbox").rglob("paminnelse-*.eml"))
