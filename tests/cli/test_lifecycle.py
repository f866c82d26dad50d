"""The round's life after launch through the real CLI, on SQLite and PostgreSQL.

The round is launched with the plain service call (no Prefect) and files are collected the
same way: what is tested here are the lifecycle commands, none of which starts a flow.
"""

from __future__ import annotations

import pytest
from tests.helpers import run_both, run_cli, run_json
from tests.intake import corpus as c
from tests.lifecycle.support import ROUND, collect, small_round_file, unidentified
from typer.testing import CliRunner

from remiss.cli import app
from remiss.errors import RemissError
from remiss.services import operations
from remiss.services.work import open_work
from remiss.settings import Workspace


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ws(request, tmp_path_factory):
    home = tmp_path_factory.mktemp(f"lifecycle-{request.param}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        patch.setenv("COLUMNS", "400")  # one table row per line
        if request.param == "postgresql":
            patch.setenv("REMISS_DATABASE_URL", request.getfixturevalue("pg_database")())
        out, err = run_both("round", "create", str(small_round_file(home)), "--json")
        assert '"created": true' in out and "har redan passerat" in err  # the 2016 deadline
        workspace = Workspace.from_env(home)
        operations.launch(open_work(workspace, ROUND))
        yield workspace


def refused(*args: str) -> str:
    """The Swedish message of a command that refuses (main() prints it and exits 2)."""
    result = CliRunner().invoke(app, list(args))
    assert isinstance(result.exception, RemissError), result.output
    return str(result.exception)


def test_round_list_and_show(ws):
    [row] = run_json("round", "list", "--today", "2016-04-25")
    assert (row["id"], row["state"], row["counts"]) == (
        ROUND,
        "launched",
        {"missing": 3, "incomplete": 0, "complete": 0},
    )
    assert "utskickad" in run_cli("round", "list")
    shown = run_json("round", "show", ROUND, "--today", "2016-04-25")
    assert [s["organisation"] for s in shown["statuses"]] == ["kultur", "bromma", "farsta"]
    assert shown["files"] == {"accepted": 0, "withdrawn": 0, "rejected": 0}
    text = run_cli("round", "show", ROUND)
    assert "Diarienummer KS 2016/0417" in text and "Filer: 0 mottagna" in text


def test_deadline_moves_for_everyone_warns_when_past_and_is_logged_by_name(ws):
    out, err = run_both("round", "deadline", ROUND, "2016-05-13", "--by", "anna", "--today", "2016-04-25")
    assert "2016-05-13 (tidigare 2016-04-29)" in out and err == ""
    out, err = run_both("round", "deadline", ROUND, "2016-05-13", "--by", "anna")
    assert "har redan passerat" in err
    assert run_json("status", ROUND, "--today", "2016-05-02")[0]["late"] is False
    log = run_json("log", ROUND)
    assert log[-1]["actor"] == "anna" and log[-1]["text"] == (
        "Sista svarsdag flyttades från 2016-04-29 till 2016-05-13."
    )


def test_extend_takes_by_and_warns_on_a_past_date(ws):
    out, err = run_both("extend", ROUND, "kultur", "2016-05-20", "--by", "bertil")
    assert "anstånd till 2016-05-20" in out and "har redan passerat" in err
    assert run_json("log", ROUND, "--org", "kultur")[-1]["actor"] == "bertil"


def test_recipient_added_after_launch_and_removed(ws):
    added = run_json("round", "add", ROUND, "skarpnack", "--by", "anna")
    assert added["change"] == "added" and added["eml"].endswith("begaran.eml")
    assert "skarpnack" in {s["organisation"] for s in run_json("status", ROUND)}
    removed = run_cli("round", "remove", ROUND, "skarpnack", "--by", "anna")
    assert "är inte längre mottagare" in removed
    assert "skarpnack" not in {s["organisation"] for s in run_json("status", ROUND)}
    assert "inte mottagare" in refused("round", "remove", ROUND, "skarpnack")


def test_resend_writes_a_new_request_once_per_request_id(ws):
    first = run_json("resend", ROUND, "farsta", "--request-id", "r1", "--by", "anna")
    again = run_json("resend", ROUND, "farsta", "--request-id", "r1")
    assert first["new"] and not again["new"] and first["eml"] == again["eml"]
    assert first["eml"].endswith("begaran-r1.eml")
    assert "får mallarna igen" in run_cli("resend", ROUND, "farsta")


def test_withdraw_a_wrong_file_by_its_name(ws):
    collect(ws, [("Brommas svar.docx", c.fill_word(ws, "bromma"))])
    taken = run_json("withdraw", ROUND, "Brommas svar.docx", "--by", "anna", "--reason", "Fel nämnd")
    assert (taken["organisation"], taken["version"], taken["current_version"]) == ("bromma", 1, None)
    assert run_json("round", "show", ROUND)["files"]["withdrawn"] == 1
    assert "Skäl: Fel nämnd" in run_json("log", ROUND, "--org", "bromma")[-1]["text"]
    assert "redan tillbakadragen" in refused("withdraw", ROUND, "Brommas svar.docx")
    assert "Ingen mottagen fil" in refused("withdraw", ROUND, "finns-inte.docx")
    [listed] = run_json("round", "files", ROUND, "--org", "bromma")
    assert (listed["id"], listed["status"], listed["current"]) == (taken["file_id"], "withdrawn", False)
    assert "tillbakadragen" in run_cli("round", "files", ROUND)


def test_attribute_an_unidentified_file_but_never_a_forged_one(ws):
    forged = c.rewrite(
        c.fill_word(ws, "farsta"), {"docProps/custom.xml": c.replace_bytes(b">farsta<", b">bromma<")}
    )
    collect(ws, [("okänd.docx", unidentified(ws, "bromma")), ("förfalskad.docx", forged)])
    quarantined = {q["file"]: q for q in run_json("round", "show", ROUND)["quarantined"]}
    assert quarantined["okänd.docx"]["attributable"] and not quarantined["förfalskad.docx"]["attributable"]
    done = run_json("attribute", ROUND, quarantined["okänd.docx"]["stored"], "bromma", "--by", "anna")
    assert (done["organisation"], done["outcome"]) == ("bromma", "superseded")  # after the withdrawn v1
    message = refused("attribute", ROUND, "förfalskad.docx", "farsta")
    assert "kontrollkod" in message and "aldrig" in message


def test_closed_round_refuses_collect_and_fetch_and_status_says_so(ws, tmp_path):
    assert "är stängd" in run_cli("round", "close", ROUND, "--by", "anna")
    path = tmp_path / "svar.docx"
    path.write_bytes(c.fill_word(ws, "farsta"))
    assert "inga fler svar tas emot" in refused("collect", ROUND, str(path))
    assert "inga fler svar tas emot" in refused("fetch", ROUND)
    assert "är stängd; inga påminnelser" in run_cli("chase", ROUND, "--today", "2016-05-04")
    assert run_json("chase", ROUND) == []
    assert "stängd" in run_cli("status", ROUND).splitlines()[0]
    assert run_json("round", "list")[0]["state"] == "closed"
    assert "öppen" in run_cli("round", "reopen", ROUND, "--by", "anna")


def test_log_reads_as_sentences_with_who(ws):
    text = run_cli("log", ROUND)
    assert "Omgången stängdes" in text and "anna" in text
    assert "Omgången skapades från liten-omgang.yaml." in text
    entries = run_json("log", ROUND, "--org", "farsta", "--limit", "2")
    assert len(entries) == 2 and {e["organisation"] for e in entries} == {"farsta"}
