"""Sixty-odd mistakes a coordinator makes, through the real `remiss.cli.main`: never a traceback.

Each mistake must end with its exit status and one Swedish message that names the file, line
and field, or the round, path, option or setting it is about. None of them needs Prefect, so
each must be reported before Prefect is imported: all the cases run in one child process
(the console script's `main`, one command line after another) that reports, per case,
whether Prefect got imported. That keeps the table honest and the test fast.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer

from remiss import resources
from remiss.cli import app, failures
from remiss.services import operations
from remiss.services.work import open_work
from remiss.settings import Workspace

ROUND = "test-2026"
DORMANT = "vilande-2026"

ROUND_YAML = """\
id: {id}
title: Testomgång för felmeddelanden
diarienummer: KS 2026/0001
budget_year: 2027
deadline: 2026-05-13
catalog: {catalog}
recipients: [kultur, bromma]
reminders:
  escalate_to: [chef]
fields:
  general: {{id: overgripande, label: Övergripande kommentar, placeholder: Skriv här., required: false}}
  word:
    - {{id: kommentar, label: Kommentar, placeholder: Skriv här., required: true}}
  excel:
    - {{id: tidshorisont, label: Tidshorisont, type: choice, choices: [Snart, Senare]}}
reports:
  - id: samverkan
    title: Stad i samverkan
    measures:
      - number: "4.1.1"
        title: Etablera lotsar
        ansvarig: [kultur]
        delansvar: [group:stadsdel]
"""

CATALOG = """\
organisations:
  - id: kultur
    group: fack
    namnd: Kulturnämnden
    forvaltning: Kulturförvaltningen
    email: [kultur@example.se]
"""

# Run in a child process: each case's command line through remiss.cli.main, output captured.
DRIVER = textwrap.dedent(
    """
    import contextlib, io, json, os, sys, tempfile
    from remiss.cli import main

    base, results, here = dict(os.environ), [], os.getcwd()
    for case in json.load(sys.stdin):
        os.environ.clear()
        os.environ.update({**base, **case["env"]})
        os.chdir(here)
        if case["gone"]:  # the shell stands in a folder that has since been removed
            os.chdir(tempfile.mkdtemp())
            os.rmdir(os.getcwd())
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(case["argv"])
            except SystemExit as done:
                code = done.code
        results.append({"code": code, "out": out.getvalue(), "err": err.getvalue(),
                        "prefect": "prefect" in sys.modules})
    json.dump(results, sys.__stdout__)
    """
)


@dataclass(frozen=True)
class Mistake:
    name: str
    argv: list[str]
    says: list[str]  # in the message, whitespace normalised; {home} and {files} are filled in
    status: int = 2
    env: dict[str, str] = field(default_factory=dict)
    gone: bool = False  # run in a working folder that no longer exists


def _yaml(name: str, old: str = "", new: str = "") -> list[str]:
    """`round create` of the round file with one change, named `name`.yaml."""
    return ["round", "create", "{files}/" + name + ".yaml", f"#{old}#{new}"]


SMTP = {"REMISS_SMTP_HOST": "127.0.0.1"}

MISTAKES = [
    # --- the round file: YAML, types, dates, ids, choices -----------------------------------
    Mistake("yaml-tab", _yaml("tab", "budget_year: 2027", "budget_year: 2027\n\tsender: x"),
            ["tab.yaml rad 5: ogiltig YAML: tabbtecken"]),
    Mistake("yaml-open-list", _yaml("lista", "[kultur, bromma]", "[kultur, bromma"),
            ["lista.yaml rad 8: ogiltig YAML: en lista inom [ ] saknar komma eller avslutande ]"]),
    Mistake("yaml-duplicate-key",
            _yaml("dubbel", "budget_year: 2027", "budget_year: 2027\ndeadline: 2026-06-01"),
            ["dubbel.yaml rad 6: ogiltig YAML: nyckeln 'deadline' står två gånger"]),
    Mistake("yaml-colon", _yaml("kolon", "title: Testomgång", "title: Test: omgång"),
            ["kolon.yaml rad 2: ogiltig YAML: kolon på fel ställe"]),
    Mistake("yaml-not-a-mapping", ["round", "create", "{files}/lista-overst.yaml"],
            ["lista-overst.yaml: filen ska innehålla en YAML-mappning överst"]),
    Mistake("yaml-empty", ["round", "create", "{files}/tom.yaml"], ["tom.yaml: filen är tom"]),
    Mistake("missing-field", _yaml("utan-titel", "title: Testomgång för felmeddelanden\n", ""),
            ["utan-titel.yaml rad 1: fältet 'title': saknas"]),
    Mistake("unknown-field", _yaml("okant-falt", "budget_year: 2027", "budget_year: 2027\nbudgetår: 2027"),
            ["okant-falt.yaml rad 5: fältet 'budgetår': är inte ett känt fält (menade du 'budget_year'?)"]),
    Mistake("wrong-type", _yaml("typ", "budget_year: 2027", "budget_year: tvåtusen"),
            ["typ.yaml rad 4: fältet 'budget_year': 'tvåtusen' ska vara ett heltal"]),
    Mistake("date-feb-30", _yaml("feb", "2026-05-13", "2026-02-30"),
            ["feb.yaml rad 5: fältet 'deadline': '2026-02-30' är inget datum: februari 2026 har 28 dagar"]),
    Mistake("date-month-13", _yaml("manad", "2026-05-13", "2026-13-03"),
            ["manad.yaml rad 5: fältet 'deadline': '2026-13-03' är inget datum: månad 13 finns inte"]),
    Mistake("date-in-words", _yaml("ord", "2026-05-13", "13 maj 2026"),
            ["ord.yaml rad 5: fältet 'deadline': '13 maj 2026' är inget datum: skriv det som ÅÅÅÅ-MM-DD"]),
    Mistake("unknown-delansvar", _yaml("delansvar", "delansvar: [group:stadsdel]", "delansvar: [brama]"),
            ["delansvar.yaml rad 23: fältet 'reports.0.measures.0.delansvar.0': okänd organisation 'brama'",
             "menade du 'bromma'?"]),
    Mistake("unknown-ansvarig", _yaml("ansvarig", "ansvarig: [kultur]", "ansvarig: [kulturen]"),
            ["ansvarig.yaml rad 22: fältet 'reports.0.measures.0.ansvarig.0':",
             "okänd organisation 'kulturen'"]),
    Mistake("unknown-recipient", _yaml("mottagare", "[kultur, bromma]", "[kultur, atlantis]"),
            ["mottagare.yaml rad 7: fältet 'recipients.1': okänd organisation 'atlantis'",
             "(finns inte i katalogen)"]),
    Mistake("recipients-word", _yaml("alla", "[kultur, bromma]", "alla"),
            ["alla.yaml rad 7: fältet 'recipients': 'alla' är inte tillåtet; skriv all eller en lista"]),
    Mistake("unknown-group", _yaml("grupp", "group:stadsdel", "group:stadsdelar"),
            ["grupp.yaml rad 23: fältet 'reports.0.measures.0.delansvar.0':",
             "'group:stadsdelar' är ingen känd grupp",
             "tillåtna grupper: group:fack, group:stadsdel eller group:bolag"]),
    Mistake("column-type", _yaml("kolumn", "type: choice", "type: val"),
            ["kolumn.yaml rad 15: fältet 'fields.excel.0.type': 'val' är inte tillåtet",
             "tillåtna värden: choice, text eller number"]),
    Mistake("escalate-to", _yaml("kopia", "escalate_to: [chef]", "escalate_to: [chefen]"),
            ["kopia.yaml rad 9: fältet 'reminders.escalate_to.0': 'chefen' är inte tillåtet",
             "tillåtna värden: registrator eller chef"]),
    Mistake("round-id", _yaml("id", "id: test-2026", "id: Test 2026"),
            ["id.yaml rad 1: fältet 'id': 'Test 2026' får bara innehålla små bokstäver a–z"]),
    Mistake("measure-number-bare", _yaml("nummer", '"4.1.1"', "4.1"),
            ["nummer.yaml rad 20: fältet 'reports.0.measures.0.number': 4.1 ska stå inom citattecken"]),
    Mistake("catalog-missing", _yaml("utan-katalog", "catalog: katalog.yaml", "catalog: saknas.yaml"),
            ["utan-katalog.yaml rad 6: fältet 'catalog': katalogen saknas.yaml", "finns inte"]),
    Mistake("catalog-group", ["round", "create", "{files}/med-fel-katalog.yaml"],
            ["fel-katalog.yaml rad 3: fältet 'organisations.0.group': 'fackförvaltning' är inte tillåtet",
             "tillåtna värden: fack, stadsdel eller bolag"]),
    Mistake("round-file-missing", ["round", "create", "{files}/finns-inte.yaml"],
            ["Filen {files}/finns-inte.yaml finns inte."]),
    Mistake("round-file-folder", ["round", "create", "{files}"], ["{files} är en mapp; ange en YAML-fil."]),
    Mistake("round-file-latin1", ["round", "create", "{files}/latin1.yaml"],
            ["latin1.yaml rad 2: filen är inte sparad som UTF-8"]),
    # --- the command line ---------------------------------------------------------------------
    Mistake("missing-argument", ["collect"], ["Argumentet 'OMGÅNG' saknas.", "Användning: remiss collect"]),
    Mistake("no-such-option", ["status", ROUND, "--jsn"], ["Flaggan --jsn finns inte (menade du --json?)."]),
    Mistake("extra-argument", ["status", ROUND, "bromma"], ["Oväntat extra argument: bromma"]),
    Mistake("no-such-command", ["statsu", ROUND], ["Kommandot 'statsu' finns inte (menade du status?)."]),
    Mistake("option-without-value", ["status", ROUND, "--xlsx"], ["Flaggan '--xlsx' behöver ett värde."]),
    Mistake("port-not-a-number", ["serve", ROUND, "--port", "abc"],
            ["Ogiltigt värde för '--port': 'abc' ska vara ett heltal."]),
    Mistake("cron-not-a-schedule", ["serve", ROUND, "--cron", "varje dag 8"],
            ["--cron 'varje dag 8' är inget cron-schema: det har fem fält"]),
    Mistake("today-month-13", ["status", ROUND, "--today", "2026-13-01"],
            ["Ogiltigt värde för '--today': '2026-13-01' är inget datum: månad 13 finns inte"]),
    Mistake("extend-feb-30", ["extend", ROUND, "kultur", "2026-02-30"],
            ["Ogiltigt värde för 'DATUM': '2026-02-30' är inget datum: februari 2026 har 28 dagar."]),
    # --- paths ---------------------------------------------------------------------------------
    Mistake("collect-missing-path", ["collect", ROUND, "{files}/inkommet"],
            ["Filen eller mappen {files}/inkommet finns inte."]),
    Mistake("xlsx-missing-folder", ["status", ROUND, "--xlsx", "{files}/ingen/mapp/x.xlsx"],
            ["--xlsx {files}/ingen/mapp/x.xlsx: mappen {files}/ingen/mapp finns inte."]),
    Mistake("annex-unwritable", ["annex", ROUND, "-o", "/sys/bilaga.docx"],
            ["-o/--output /sys/bilaga.docx: remiss kan inte skriva i mappen /sys (behörighet saknas)."]),
    Mistake("annex-to-a-folder", ["annex", ROUND, "-o", "{files}/mapp.docx"],
            ["{files}/mapp.docx är en mapp"]),
    Mistake("annex-wrong-suffix", ["annex", ROUND, "-o", "{files}/bilaga.pdf"],
            ["-o/--output {files}/bilaga.pdf: filen ska sluta på .docx, t.ex. bilaga.docx."]),
    Mistake("annex-under-a-file", ["annex", ROUND, "-o", "{files}/tom.yaml/bilaga.docx"],
            ["{files}/tom.yaml är ingen mapp."]),
    Mistake("demo-unwritable", ["demo", "--workspace", "/sys/remiss-demo"],
            ["/sys/remiss-demo: behörighet saknas."]),
    Mistake("demo-into-a-used-folder", ["demo", "--workspace", "{files}"],
            ["Mappen {files} finns redan och är inte en demomapp"]),
    # --- settings -------------------------------------------------------------------------------
    Mistake("database-url-garbage", ["status", ROUND], ["REMISS_DATABASE_URL='notaurl' kan inte användas"],
            env={"REMISS_DATABASE_URL": "notaurl"}),
    Mistake("database-driver-missing", ["status", ROUND], ["drivrutinen för databastypen saknas"],
            env={"REMISS_DATABASE_URL": "mysql://remiss@127.0.0.1/remiss"}),
    Mistake("database-server-down", ["status", ROUND],
            ["Databasen postgresql+psycopg://remiss:***@127.0.0.1:1/remiss kan inte nås",
             "databasservern svarar inte"],
            env={"REMISS_DATABASE_URL": "postgresql+psycopg://remiss:hemligt@127.0.0.1:1/remiss"}),
    Mistake("database-file-garbage", ["status", ROUND],
            ["Databasen sqlite:///{files}/trasig.db kan inte nås: filen är ingen SQLite-databas"],
            env={"REMISS_DATABASE_URL": "sqlite:///{files}/trasig.db"}),
    Mistake("home-is-a-file", ["status", ROUND], ["{files}/tom.yaml för databasen kan inte skapas",
                                                   "det är en fil, inte en mapp", "REMISS_HOME"],
            env={"REMISS_HOME": "{files}/tom.yaml"}),
    Mistake("annex-into-proc", ["annex", ROUND, "-o", "/proc/x.docx"],
            ["-o/--output /proc/x.docx: remiss kan inte skriva i mappen /proc",
             "(mappen tar inte emot nya filer)"]),
    Mistake("home-typo", ["round", "list"],
            ["REMISS_HOME={files}/finns-inte/ws: mappen {files}/finns-inte finns inte",
             "kontrollera stavningen"],
            env={"REMISS_HOME": "{files}/finns-inte/ws"}),
    Mistake("no-workspace-yet", ["status", ROUND],
            ["Det finns ingen arbetsmapp i {files} än", "REMISS_HOME", "remiss round create FIL.yaml"],
            env={"REMISS_HOME": "{files}"}),
    Mistake("working-folder-gone", ["status", ROUND],
            ["Den aktuella mappen finns inte längre", "REMISS_HOME"],
            env={"REMISS_HOME": ""}, gone=True),
    Mistake("max-file-size", ["collect", ROUND, "{files}"],
            ["REMISS_MAX_FILE_MB='stor' är ingen giltig storleksgräns"],
            env={"REMISS_MAX_FILE_MB": "stor"}),
    Mistake("parse-workers", ["collect", ROUND, "{files}"],
            ["REMISS_PARSE_WORKERS='många' är inget giltigt värde"],
            env={"REMISS_PARSE_WORKERS": "många"}),
    Mistake("smtp-port", ["send"], ["REMISS_SMTP_PORT: 'tjugofem' ska vara ett portnummer"],
            env={**SMTP, "REMISS_SMTP_PORT": "tjugofem"}),
    Mistake("smtp-security", ["chase", ROUND],
            ["REMISS_SMTP_SECURITY: 'ssl' ska vara none, starttls eller tls"],
            env={**SMTP, "REMISS_SMTP_SECURITY": "ssl"}),
    Mistake("imap-not-set", ["fetch", ROUND], ["REMISS_IMAP_HOST är inte satt"]),
    Mistake("base-url-without-scheme", ["round", "launch", DORMANT],
            ["REMISS_BASE_URL='remiss.stad.example.se' ska vara skrivbordets adress med http:// eller https://"],
            env={"REMISS_BASE_URL": "remiss.stad.example.se"}),
    Mistake("base-url-resend", ["resend", ROUND, "kultur"], ["REMISS_BASE_URL='remiss' ska vara"],
            env={"REMISS_BASE_URL": "remiss"}),
    Mistake("base-url-with-a-path", ["serve", ROUND],
            ["REMISS_BASE_URL='https://intra.example.se/remiss': skrivbordet ligger i roten av sin adress",
             "(/remiss)"],
            env={"REMISS_BASE_URL": "https://intra.example.se/remiss"}),
    Mistake("base-url-unset-with-city-smtp", ["round", "launch", DORMANT],
            ["REMISS_BASE_URL är inte satt, men breven går ut via REMISS_SMTP_HOST=smtp.stad.example.se:",
             "skulle gå till http://127.0.0.1:8000, som bara fungerar på den här datorn"],
            env={"REMISS_SMTP_HOST": "smtp.stad.example.se"}),
    Mistake("base-url-unset-with-smtp-block", ["resend", ROUND, "kultur"],
            ["REMISS_BASE_URL är inte satt, men breven går ut via REMISS_SMTP_BLOCK=stadens-smtp:"],
            env={"REMISS_SMTP_BLOCK": "stadens-smtp"}),
    Mistake("max-upload-size", ["serve"], ["REMISS_MAX_UPLOAD_MB='hundra' är ingen giltig storleksgräns"],
            env={"REMISS_MAX_UPLOAD_MB": "hundra"}),
    # --- the state of the rounds --------------------------------------------------------------
    Mistake("unknown-round", ["status", "test-2025"],
            [f"Omgången 'test-2025' finns inte (kända omgångar: {ROUND}, {DORMANT})."]),
    Mistake("collect-unknown-round", ["collect", "test-2025", "{files}"],
            ["Omgången 'test-2025' finns inte"]),
    Mistake("annex-unknown-round", ["annex", "test-2025"], ["Omgången 'test-2025' finns inte"]),
    Mistake("chase-unknown-round", ["chase", "test-2025"], ["Omgången 'test-2025' finns inte"]),
    Mistake("serve-unknown-round", ["serve", ROUND, "test-2025"], ["Omgången 'test-2025' finns inte"]),
    Mistake("collect-before-launch", ["collect", DORMANT, "{files}"],
            [f"Omgången '{DORMANT}' är inte utskickad än", f"remiss round launch {DORMANT}"]),
    Mistake("launch-twice", ["round", "launch", ROUND],
            [f"omgången '{ROUND}' är redan utskickad: alla 2 mottagare har fått sina mallar"], status=0),
    Mistake("change-a-launched-round", _yaml("andrad", "title: Testomgång", "title: Ändrad testomgång"),
            [f"Omgången '{ROUND}' är redan utskickad och kan inte ändras."]),
    Mistake("extend-a-non-recipient", ["extend", ROUND, "ostermalm", "2026-06-01"],
            ["'ostermalm' är inte mottagare"]),
    Mistake("extend-before-deadline", ["extend", ROUND, "kultur", "2026-05-01"],
            ["2026-05-01 ligger inte efter omgångens sista svarsdag 2026-05-13"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    """Every mistake run once, in one child process; its outcome by name."""
    home, files = tmp_path_factory.mktemp("hem"), tmp_path_factory.mktemp("filer")
    _write_files(files)
    workspace = Workspace.from_env(home)
    operations.create_round(workspace, files / f"{ROUND}.yaml")
    operations.launch(open_work(workspace, ROUND, deliver=False))
    operations.create_round(workspace, files / "vilande.yaml")
    base = {"REMISS_HOME": str(home), "COLUMNS": "200"}
    cases = [
        {
            "argv": [_fill(a, files) for a in _argv(m, files)],
            "env": {**base, **_fill_env(m.env, files)},
            "gone": m.gone,
        }
        for m in MISTAKES
    ]
    done = subprocess.run(
        [sys.executable, "-c", DRIVER], input=json.dumps(cases), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    outcomes = json.loads(done.stdout)
    return {m.name: {**outcome, "files": files} for m, outcome in zip(MISTAKES, outcomes, strict=True)}


def test_the_table_has_at_least_thirty_distinct_mistakes():
    assert len({m.name for m in MISTAKES}) == len(MISTAKES) >= 30


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_a_mistake_is_one_swedish_message_naming_the_thing_before_prefect(results, mistake):
    outcome = results[mistake.name]
    printed = " ".join((outcome["out"] + outcome["err"]).split())
    assert outcome["code"] == mistake.status, printed
    for words in mistake.says:
        assert " ".join(_fill(words, outcome["files"]).split()) in printed
    assert "Traceback" not in printed and "Error:" not in printed
    assert "hemligt" not in printed  # a password in REMISS_DATABASE_URL is never shown
    assert not outcome["prefect"], "reported only after Prefect was imported"


@pytest.mark.parametrize(
    ("argv", "swedish"),
    [
        (["--help"], ["Användning: remiss [FLAGGOR] KOMMANDO [ARGUMENT]...", "Kommandon", "Flaggor"]),
        (["status", "--help"], ["Användning: remiss status [FLAGGOR] {OMGÅNG}", "[krävs]", "<datum>"]),
        (["round", "--help"], ["Användning: remiss round [FLAGGOR] KOMMANDO [ARGUMENT]...", "Kommandon"]),
        (["user", "add", "--help"], ["Användning: remiss user add [FLAGGOR] {NAMN}", "[krävs]"]),
    ],
)
def test_help_pages_are_swedish(capsys, argv, swedish):
    assert failures.run(app, argv) == 0
    page = capsys.readouterr().out
    for words in [*swedish, "Visa den här hjälpen och avsluta."]:
        assert words in page
    for english in ("Usage", "Options", "Arguments", "Commands", "Show this message", "required", "<str>"):
        assert english not in page


def _failing_app() -> typer.Typer:
    """An app with a bug in a command, as remiss may still have one somewhere."""
    app = typer.Typer()

    @app.command()
    def average(count: int) -> None:
        print(100 / count)

    @app.command()
    def other() -> None: ...

    return app


@pytest.mark.parametrize("home_usable", [True, False])
def test_a_bug_is_one_swedish_line_and_the_traceback_goes_to_a_log_file(
    tmp_path, monkeypatch, capsys, home_usable
):
    home = tmp_path / "hem" if home_usable else tmp_path / "en-fil"
    if not home_usable:
        home.write_text("REMISS_HOME pekar på en fil")
    monkeypatch.setenv("REMISS_HOME", str(home))
    assert failures.run(_failing_app(), ["average", "0"]) == 70
    printed = capsys.readouterr()
    assert printed.out == "" and "Traceback" not in printed.err
    message = " ".join(printed.err.split())
    assert message.startswith("Fel: ett oväntat fel i remiss (ZeroDivisionError). Detaljerna för felsökning")
    log = Path(message.split(" finns i ")[1].split("; skicka")[0])
    assert log.parent == (home / "logs" if home_usable else Path(tempfile.gettempdir()) / "remiss-logs")
    text = log.read_text(encoding="utf-8")
    assert "Kommando: remiss average 0" in text and "Traceback" in text and "ZeroDivisionError" in text
    assert failures.run(_failing_app(), ["average", "4"]) == 0  # and a command that works is untouched


def _argv(mistake: Mistake, files: Path) -> list[str]:
    """A `round create` case's last item says how to change the round file (#old#new)."""
    if mistake.argv[-1].startswith("#"):
        return mistake.argv[:-1]
    return mistake.argv


def _write_files(files: Path) -> None:
    """The round files of the table (one per change), a catalog, and other things to point at."""
    catalog = resources.default_catalog()
    base = ROUND_YAML.format(id=ROUND, catalog="katalog.yaml")
    (files / "katalog.yaml").write_text(catalog.read_text(encoding="utf-8"), encoding="utf-8")
    for mistake in MISTAKES:
        if mistake.argv[-1].startswith("#"):
            _, old, new = mistake.argv[-1].split("#")
            assert old in base, old
            Path(mistake.argv[2].replace("{files}", str(files))).write_text(
                base.replace(old, new, 1), encoding="utf-8"
            )
    (files / f"{ROUND}.yaml").write_text(base, encoding="utf-8")
    dormant = ROUND_YAML.format(id=DORMANT, catalog="katalog.yaml")
    (files / "vilande.yaml").write_text(dormant, encoding="utf-8")
    (files / "lista-overst.yaml").write_text("- id: test-2026\n- title: Test\n", encoding="utf-8")
    (files / "tom.yaml").write_text("", encoding="utf-8")
    (files / "fel-katalog.yaml").write_text(CATALOG.replace("group: fack", "group: fackförvaltning"))
    (files / "med-fel-katalog.yaml").write_text(ROUND_YAML.format(id="k-2026", catalog="fel-katalog.yaml"))
    (files / "latin1.yaml").write_bytes("id: x\ntitle: Åtgärder\n".encode("latin-1"))
    (files / "mapp.docx").mkdir()
    (files / "trasig.db").write_text("Det här är ingen databas.\n" * 100, encoding="utf-8")


def _fill(text: str, files: Path) -> str:
    return text.replace("{files}", str(files))


def _fill_env(env: dict[str, str], files: Path) -> dict[str, str]:
    return {key: _fill(value, files) for key, value in env.items()}
