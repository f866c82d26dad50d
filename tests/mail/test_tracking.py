"""What the coordinator sees: status with last file, reminders and extensions; the tracking
workbook; extensions (anstånd) from the command line; SMTP settings from a Prefect block."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
from tests.helpers import run_cli, run_json
from tests.mail.support import answer_files
from typer.testing import CliRunner

from remiss.cli import app
from remiss.errors import NotFoundError, StateError
from remiss.services import operations
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work

D = dt.date


def test_status_and_tracking_workbook_show_last_file_reminders_and_extension(workspace, launched, tmp_path):
    round_id = launched("bev-2016", D(2016, 5, 13), ["kultur", "idrott", "bromma"])
    word, excel = answer_files(workspace, round_id, "kultur", tmp_path / "kultur")
    risky = word.rename(word.with_name("=1+2 svar.docx"))  # a file name that looks like a formula
    collect_paths(open_work(workspace, round_id, now=dt.datetime(2016, 5, 9, 10, 0, tzinfo=dt.UTC)), [excel])
    collect_paths(open_work(workspace, round_id, now=dt.datetime(2016, 5, 9, 11, 0, tzinfo=dt.UTC)), [risky])
    run_json("extend", round_id, "bromma", "2016-05-20")
    operations.chase(open_work(workspace, round_id, today=D(2016, 5, 11)))

    rows = {r["organisation"]: r for r in run_json("status", round_id, "--today", "2016-05-16")}
    assert rows["kultur"]["status"] == "complete" and rows["kultur"]["last_file"] == "=1+2 svar.docx"
    assert (rows["idrott"]["late"], rows["idrott"]["reminders"], rows["idrott"]["last_reminder"]) == (
        False,  # missing, not late: nothing came in after the deadline
        1,
        "2016-05-11",
    )
    assert (rows["bromma"]["late"], rows["bromma"]["extension"]) == (False, "2016-05-20")  # obeys the anstånd

    table = run_cli("status", round_id, "--today", "2016-05-16")
    kultur_line = next(line for line in table.splitlines() if "Kulturförvaltningen" in line)
    bromma_line = next(line for line in table.splitlines() if "Bromma" in line)
    assert "Fil" in table and "Anst." in table
    assert " 9/5 " in kultur_line  # the day its latest file came
    assert " 20/5 " in f"{bromma_line} "  # its extension
    idrott_line = next(line for line in table.splitlines() if "Idrott" in line)
    assert " ja " not in idrott_line and " – " in idrott_line  # missing, not marked late

    out = tmp_path / "bevakning.xlsx"
    result = CliRunner().invoke(app, ["status", round_id, "--today", "2016-05-16", "--xlsx", str(out)])
    assert result.exit_code == 0 and f"Bevakningslista: {out}" in result.stderr
    sheet = openpyxl.load_workbook(out).active
    assert sheet["A1"].value.startswith("Bevakningslista – Kommissionen")
    header = [c.value for c in sheet[4]]
    assert header[:7] == ["Förvaltning", "Id", "Grupp", "Status", "Sen", "Sista svarsdag", "Anstånd till"]
    body = {row[1].value: row for row in sheet.iter_rows(min_row=5)}
    assert body["bromma"][6].value == dt.datetime(2016, 5, 20)  # a real date cell
    assert body["idrott"][10].value == 1 and body["idrott"][4].value == "saknas, sista svarsdag passerad"
    assert (body["kultur"][8].value, body["kultur"][8].data_type) == ("=1+2 svar.docx", "s")
    assert body["kultur"][7].value == dt.datetime(2016, 5, 9, 12, 0)  # Stockholm time of the first file
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml  # user text is never a formula


def test_extend_checks_its_input_and_warns_about_a_day_off(workspace, launched):
    round_id = launched("anst-2016", D(2016, 5, 13), ["kultur"])
    runner = CliRunner()
    early = runner.invoke(app, ["extend", round_id, "kultur", "2016-05-12"])
    assert isinstance(early.exception, StateError)
    assert (
        "Kulturförvaltningen (kultur): 2016-05-12 ligger inte efter omgångens sista svarsdag 2016-05-13"
        in str(early.exception)
    )
    unknown = runner.invoke(app, ["extend", round_id, "bromma", "2016-05-20"])
    assert isinstance(unknown.exception, NotFoundError) and "'bromma' är inte mottagare" in str(
        unknown.exception
    )
    holiday = runner.invoke(app, ["extend", round_id, "kultur", "2016-06-06"])
    assert holiday.exit_code == 0
    assert "har anstånd till 2016-06-06" in holiday.stdout
    assert "2016-06-06, är Nationaldagen, inte en arbetsdag" in " ".join(holiday.stderr.split())


def test_smtp_settings_from_a_prefect_secret_block(workspace, launched, smtp, monkeypatch):
    import remiss_flows  # noqa: F401  (its Prefect defaults: a patient ephemeral-server start)
    from prefect.blocks.system import Secret

    monkeypatch.setenv("REMISS_SMTP_BLOCK", "remiss-smtp-test")  # so the requests are meant to be sent
    monkeypatch.setenv("REMISS_BASE_URL", "http://127.0.0.1:8000")  # mail through a block: links must be set
    round_id = launched("block-2016", D(2016, 5, 13), ["kultur"])
    Secret(value={"host": "127.0.0.1", "port": smtp.port, "security": "none"}).save(
        "remiss-smtp-test", overwrite=True
    )
    report = run_json("send", round_id)
    assert report["sent"] == [f"request:{round_id}:kultur"] and report["failed"] == {}
    assert [r.rcpt_tos for r in smtp.recorder.received] == [["registrator.kultur@example.org"]]
