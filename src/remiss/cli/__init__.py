"""The `remiss` command: a thin layer over the flows (work) and the store (read-only views).

Read-only commands never import Prefect, so they answer in about a second; commands that
do work run the Prefect flows in `remiss_flows` on the ephemeral API, or hand them to a
running `remiss serve` (see `handoff.py`).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from remiss.cli import failures, lifecycle
from remiss.cli.handoff import run_flow, small_work
from remiss.cli.links import link_app
from remiss.cli.options import ByOption, DayOption, JsonOption, OrgArg, RoundArg
from remiss.cli.progress import progress_bars
from remiss.cli.render import (
    annex_report,
    collect_table,
    count,
    emit_json,
    errors,
    fetch_table,
    outbox_report,
    status_table,
    to_json,
)
from remiss.cli.users import user_app
from remiss.domain.outcomes import Outcome
from remiss.errors import InputError, RemissError
from remiss.settings import Workspace
from remiss.swedish import parse_date

if TYPE_CHECKING:
    from remiss.services.work import Work

# The CLI reports errors itself, in Swedish; Prefect's console logging would repeat them as
# tracebacks. PREFECT_LOGGING_LEVEL=INFO brings Prefect's run logs back.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")

app = typer.Typer(
    help="remiss – remissomgångar för budgetarbetet: skicka ut, samla in, påminn och sammanställ.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
round_app = typer.Typer(help="Skapa, skicka ut och förvalta remissomgångar.", no_args_is_help=True)
app.add_typer(round_app, name="round")
db_app = typer.Typer(help="Databasens schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(link_app, name="link")


def _home() -> str:
    return str(Workspace.from_env().home)


@round_app.command("create")
def round_create(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Omgångens YAML-fil.")], json: JsonOption = False
) -> None:
    """Validera en omgångsdefinition och spara den; skriver ut omgångens id."""
    from remiss.services import operations
    from remiss.services.lifecycle.dates import date_warnings
    from remiss.services.work import open_work

    workspace = Workspace.from_env()
    round_id, created = operations.create_round(workspace, file)
    if json:
        emit_json({"id": round_id, "created": created})
    else:
        print(round_id if created else f"{round_id} (fanns redan, oförändrad)")
    deadline = open_work(workspace, round_id).round.definition.deadline
    lifecycle.warn([f"{file.name}: {w}" for w in date_warnings(deadline, f"Sista svarsdag {deadline}")])


@round_app.command("launch")
def round_launch(round_id: RoundArg, json: JsonOption = False) -> None:
    """Skapa Word- och Excelmall och e-post till varje mottagare (bara det som inte redan skickats)."""
    from remiss.cli import checks
    from remiss.services.lifecycle.dates import date_warnings

    work = checks.round_work(round_id)  # read once: the checks and, without serve, the launch itself
    checks.link_base()
    if checks.nothing_to_launch(work, quiet=json):
        if json:
            emit_json([])
        return
    deadline = work.round.definition.deadline
    lifecycle.warn(date_warnings(deadline, f"Sista svarsdag {deadline}", working_day=False))
    issued = run_flow(
        "launch",
        "launch_round",
        round_id,
        _home(),
        progress=progress_bars(json),
        plain=lambda: _plain_launch(work),
    )
    if json:
        emit_json(issued)
    else:
        print(f"{len(issued)} mottagare fick mallar i {Workspace.from_env().outbox / round_id}.")


@app.command()
def collect(
    round_id: RoundArg,
    paths: Annotated[list[Path], typer.Argument(metavar="SÖKVÄG", help="Filer och mappar med inkomna svar.")],
    json: JsonOption = False,
) -> None:
    """Läs in inkomna Word- och Excelfiler: identifiera, spara, läs svaren, avvisa felaktiga filer."""
    from remiss.cli import checks
    from remiss.services.lifecycle.state import ensure_open

    work = checks.round_work(round_id)
    checks.launched(work, "samla in")
    ensure_open(work)  # a closed round says so before Prefect starts
    checks.existing_paths(paths)
    checks.intake_limits()

    def start_parsers() -> None:  # run here: the parsing workers start while Prefect's API starts
        from remiss.services.intake.pool import shared_pool

        shared_pool().start()

    files = [str(p.resolve()) for p in paths]
    progress = progress_bars(json)
    results = run_flow(
        "collect",
        "collect_responses",
        round_id,
        files,
        _home(),
        progress=progress,
        prepare=start_parsers,
        plain=lambda: _plain_collect(work, paths),
    )
    keys = ("file", "outcome", "organisation", "identified_by", "reason", "late", "warnings", "receipt")
    emit_json(results, keys) if json else collect_table(results)
    if any(r.outcome is Outcome.REJECTED for r in results):
        raise typer.Exit(3)


def _plain_launch(work: Work) -> Callable[[], object] | None:
    """Launching a few organisations as plain calls (see handoff.small_work), else None; asked only
    when serve has not taken the launch."""
    from remiss import progress
    from remiss.services import operations

    if os.environ.get("REMISS_SMTP_BLOCK"):
        return None  # a Prefect Secret block holds the SMTP settings: only the flow reads it
    pending = operations.pending_launch(work)
    if not small_work(len(pending)):
        return None

    def launch() -> object:
        from remiss.mail.settings import smtp_from_env

        progress.start("launch", len(pending), "Skickar ut mallar")
        issued = operations.issue_many(work, pending)
        operations.send_outbox(work.workspace, smtp_from_env(), work.round_id)
        return issued

    return launch


def _plain_collect(work: Work, paths: list[Path]) -> Callable[[], object] | None:
    """Collecting a few files as plain calls (see handoff.small_work), else None; asked only when
    serve has not taken the collection."""
    from remiss import progress
    from remiss.services.intake.collect import collect_paths, expand_paths

    files = expand_paths([p.resolve() for p in paths])
    if not small_work(len(files)):
        return None

    def collect() -> object:
        progress.start("collect", len(files), "Läser in filer")
        return collect_paths(work, files)

    return collect


@app.command()
def status(
    round_id: RoundArg,
    json: JsonOption = False,
    today: DayOption = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Skriv också en bevakningslista (.xlsx) hit.")
    ] = None,
) -> None:
    """Visa per förvaltning: status, sen, senaste fil, påminnelser och anstånd."""
    from remiss.cli import checks
    from remiss.services import operations
    from remiss.services.chase.tracking import write_tracking_workbook
    from remiss.services.work import open_work

    xlsx = checks.output_file(xlsx, "--xlsx", ".xlsx") if xlsx is not None else None
    work = open_work(checks.workspace(), round_id, today=today)
    found = operations.status(work)
    closed = " (stängd: inga fler svar tas emot)" if work.round.closed else ""
    emit_json(found) if json else status_table(found, f"Status för {round_id}{closed}")
    if xlsx is not None:
        path = write_tracking_workbook(xlsx, work.round.definition, found, work.today)
        errors.print(f"Bevakningslista: {path}", highlight=False, soft_wrap=True)


@app.command()
def chase(round_id: RoundArg, json: JsonOption = False, today: DayOption = None) -> None:
    """Skriv påminnelser till dem som saknas eller är ofullständiga (högst en per dag och förvaltning)."""
    from remiss.cli import checks

    ctx = checks.round_context(round_id)
    if not ctx.launched or ctx.closed:
        if json:
            emit_json([])
        elif ctx.closed:
            errors.print(f"[yellow]Obs:[/] omgången '{round_id}' är stängd; inga påminnelser.")
        else:
            errors.print(f"[yellow]Obs:[/] omgången '{round_id}' är inte utskickad än; inga påminnelser.")
        return
    checks.smtp_settings()
    early = checks.requested_after(round_id, today) if today is not None else {}
    if early:
        if json:
            emit_json([])
            return
        days = sorted(set(early.values()))
        everyone = set(ctx.recipients) <= set(early)
        who = f"utskicket av '{round_id}'" if everyone else f"begäran till {', '.join(early)}"
        errors.print(
            f"[yellow]Obs:[/] --today {today} ligger före {who} ({days[0]}); inga påminnelser skrivs "
            "för dagar före begäran.",
            highlight=False,
            soft_wrap=True,
        )
        return
    reminders = run_flow("chase", "chase_missing", round_id, _home(), today)
    if json:
        emit_json(reminders)
        return
    new = [r for r in reminders if r.new]
    sent = sum(1 for r in reminders if r.sent)
    written = len(reminders) - len(new)
    said = count(len(new), "ny påminnelse", "nya påminnelser")
    print(f"{said} ({written} redan skrivna), {sent} skickade nu.")
    for reminder in new:
        copy = f", kopia {', '.join(reminder.cc)}" if reminder.cc else ""
        print(f"  {reminder.organisation} ({reminder.slot}{copy}): {reminder.eml}")


@app.command()
def annex(
    round_id: RoundArg,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Var bilagan ska sparas (.docx); standard bilaga-OMGÅNG.docx."),
    ] = None,
    final: Annotated[bool, typer.Option("--final", help="Slutlig bilaga (utan utkastmärkning).")] = False,
    by_measure: Annotated[
        bool, typer.Option("--by-measure", help="Svaren per åtgärd: vad varje ansvarig förvaltning skrev.")
    ] = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Även tillgänglig PDF/A-2b (samma namn, .pdf) via LibreOffice.")
    ] = False,
    xlsx: Annotated[
        bool, typer.Option("--xlsx", help="Även arbetsbok (.xlsx): en rad per förvaltning och åtgärd.")
    ] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Granska tillgängligheten; skriv ut brister (status 1 om några).")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Sammanställ bilagan: förvaltningarnas svar under gruppernas rubriker (utkast om inte --final)."""
    from remiss.cli import checks

    checks.round_context(round_id)
    target = output or Path(f"bilaga-{round_id}{'-per-atgard' if by_measure else ''}.docx")
    target = checks.output_file(target, "-o/--output", ".docx")
    options = {"by_measure": by_measure, "pdf": pdf, "xlsx": xlsx, "check": check, "final": final}
    result = run_flow(
        "annex",
        "publish_annex",
        round_id,
        str(target.resolve()),
        _home(),
        progress=progress_bars(json),
        **options,
    )
    emit_json(result) if json else annex_report(result)
    if result.problems:
        raise typer.Exit(1)


@app.command()
def demo(
    workspace: Annotated[
        Path | None, typer.Option("--workspace", help="Mapp för demon (standard: ./remiss-demo).")
    ] = None,
    json: JsonOption = False,
    serve_after: Annotated[
        bool,
        typer.Option(
            "--serve", help="Starta skrivbordet på demomappen efteråt och skriv ut en nämnds svarslänk."
        ),
    ] = False,
) -> None:
    """Kör hela cykeln på Stockholmsexemplet: utskick, 21 svar, påminnelser, status och bilaga."""
    from remiss.demo.simulate import fresh_workspace

    target = (workspace or Workspace.from_env().home / "remiss-demo").resolve()
    try:
        home = fresh_workspace(target)
    except FileExistsError:
        raise RemissError(
            f"Mappen {target} finns redan och är inte en demomapp; välj en annan med --workspace."
        ) from None
    from remiss_flows.demo import demo_cycle

    from remiss.progress import reporting

    with reporting(progress_bars(json)):
        result = demo_cycle(str(home))
    if json:
        emit_json({**to_json(result), "collected": len(result.collected)})
        return
    status_table(result.status, f"Status för {result.round} dagen efter sista svarsdag")
    print(f"\nArbetsmapp: {home}\nBilaga: {result.annex}")
    if serve_after:
        _serve_demo(home, result)


def _serve_demo(home: Path, result: Any) -> None:
    """The desk on the demo folder, with one nämnd's link and a desk account printed first."""
    from remiss.demo.serving import demo_pages

    base = (os.environ.get("REMISS_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
    os.environ["REMISS_HOME"] = str(home)
    pages = demo_pages(home, result.round, result.status, base)
    print(f"\nNämndens sida ({pages.organisation}): {pages.link}")
    print(f"Skrivbordet: {base}/ – logga in som {pages.user} med lösenordet {pages.password}", flush=True)
    serve(round_ids=[], cron=None, host="127.0.0.1", port=8000, prefect_port=4200, today=None)


@app.command()
def extend(
    round_id: RoundArg,
    organisation: OrgArg,
    until: Annotated[
        dt.date, typer.Argument(parser=parse_date, metavar="DATUM", help="Ny sista svarsdag (ÅÅÅÅ-MM-DD).")
    ],
    by: ByOption = None,
    json: JsonOption = False,
) -> None:
    """Ge en förvaltning anstånd: ett eget sista svarsdatum som påminnelser och status följer."""
    from remiss.cli import checks
    from remiss.services import operations
    from remiss.services.work import open_work

    granted = operations.extend(open_work(checks.workspace(), round_id, by=by), organisation, until)
    if json:
        emit_json(granted)
    else:
        print(
            f"{granted.name} ({granted.organisation}) har anstånd till {granted.until} "
            f"(omgångens sista svarsdag: {granted.round_deadline})."
        )
    lifecycle.warn([*granted.warnings, *([granted.notice] if granted.notice else [])])


@app.command()
def send(
    round_id: Annotated[
        str | None, typer.Argument(metavar="OMGÅNG", help="Bara den här omgången (standard: alla).")
    ] = None,
    json: JsonOption = False,
    every: Annotated[
        bool, typer.Option("--all", "-v", help="Visa varje meddelande som inte går ut, med skäl.")
    ] = False,
) -> None:
    """Skicka det som väntar i utkorgen via SMTP (REMISS_SMTP_HOST); misslyckade försök görs om."""
    from remiss.cli import checks
    from remiss.mail.settings import smtp_configured

    if round_id is not None:
        checks.round_context(round_id)
    checks.smtp_settings()

    def listed() -> object:
        from remiss.services import operations

        return operations.send_outbox(Workspace.from_env(), None, round_id)

    # Nothing can be sent without SMTP: list what waits without starting Prefect.
    report = run_flow(
        "mail", "send_mail", _home(), round_id, plain=lambda: None if smtp_configured() else listed
    )
    outbox = Workspace.from_env().outbox
    emit_json(report) if json else outbox_report(
        report, outbox / round_id if round_id else outbox, every=every
    )


@app.command()
def fetch(round_id: RoundArg, json: JsonOption = False) -> None:
    """Hämta inkomna svar från funktionsbrevlådan (IMAP, REMISS_IMAP_HOST) och läs in bifogade filer."""
    from remiss.cli import checks
    from remiss.services.lifecycle.state import ensure_open

    checks.launched_round(round_id, "hämta")
    ensure_open(checks.round_work(round_id))
    checks.imap_settings()
    checks.smtp_settings()
    checks.intake_limits()
    taken = run_flow("fetch", "fetch_responses", round_id, _home())
    emit_json(taken) if json else fetch_table(taken)
    if any(f.outcome is Outcome.REJECTED for m in taken for f in m.files):
        raise typer.Exit(3)


@app.command()
def serve(
    round_ids: Annotated[
        list[str] | None,
        typer.Argument(metavar="OMGÅNG", help="Omgångar att påminna för enligt schema, t.ex. sh-2016."),
    ] = None,
    cron: Annotated[
        str | None,
        typer.Option("--cron", help="Eget schema (cron, Europe/Stockholm) i stället för reminders.at."),
    ] = None,
    host: Annotated[str, typer.Option("--host", help="Adress för skrivbordet i webbläsaren.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port för skrivbordet i webbläsaren.")] = 8000,
    prefect_port: Annotated[
        int,
        typer.Option(
            "--prefect-port",
            help="Port för den lokala Prefect-servern och dess UI (ingen startas med PREFECT_API_URL).",
        ),
    ] = 4200,
    today: DayOption = None,
) -> None:
    """Skrivbordet i webbläsaren och schemalagda påminnelser, med en lokal Prefect-server eller stadens
    (PREFECT_API_URL). Ctrl-C stoppar."""
    from remiss.cli import checks

    for round_id in round_ids or []:
        checks.round_context(round_id)
    if cron is not None:
        checks.cron_expression(cron)
    checks.smtp_settings()
    checks.desk_settings()
    checks.free_port(host, port, "--port")
    if not os.environ.get("PREFECT_API_URL"):  # else the city's Prefect server: none is started here
        if prefect_port == port:
            raise InputError("--port och --prefect-port ska vara olika portar.")
        checks.free_port("127.0.0.1", prefect_port, "--prefect-port")
    from remiss_flows.serve import serve_chase

    from remiss.web.flow_runner import desk_app

    def ready(ui: str, schedules: dict[str, str]) -> None:
        for round_id, expression in schedules.items():
            print(f"{round_id}: påminnelser enligt schemat '{expression}' (Europe/Stockholm)")
        local = f"http://{host}:{port}/"
        public = (os.environ.get("REMISS_BASE_URL") or "").rstrip("/") + "/"  # behind the city's proxy
        users = f" (för användarna: {public})" if public not in ("/", local) else ""
        print(f"Skrivbordet: {local}{users}", flush=True)
        print(f"Prefect-UI: {ui} – stoppa med Ctrl-C.", flush=True)

    from remiss.documents.annex.pdf import use_warm_office

    use_warm_office()  # the desk's annex PDFs on one LibreOffice kept running (started on first use)
    workspace = Workspace.from_env()
    serve_chase(
        _home(),
        round_ids or [],
        cron=cron,
        port=prefect_port,
        today=today.isoformat() if today else None,
        ready=ready,
        desk=(desk_app(workspace, today), host, port),
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Uppgradera databasens schema till den här versionen av remiss (Alembic-migreringar)."""
    from remiss.store.database import Database

    database = Database(Workspace.from_env().database_url)
    before, after = database.upgrade_schema()
    print(f"Schema: {before or 'tomt'} -> {after} ({database.safe_url})")


lifecycle.register(app, round_app)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """The `remiss` console script: exit status 0, 1/3 (see the commands), 2 for a mistake, 70 for a bug."""
    sys.exit(failures.run(app, argv))


if __name__ == "__main__":
    main()
