"""The `remiss` command: a thin layer over the flows (work) and the store (read-only views).

Read-only commands never import Prefect, so they answer in about a second; commands that
do work run the Prefect flows in `remiss_flows` on the ephemeral API.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from remiss.cli_render import collect_table, emit_json, errors, status_table
from remiss.errors import RemissError
from remiss.settings import Workspace

# The CLI reports errors itself, in Swedish; Prefect's console logging would repeat them as
# tracebacks. PREFECT_LOGGING_LEVEL=INFO brings Prefect's run logs back.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")

app = typer.Typer(
    help="remiss – remissomgångar för budgetarbetet: skicka ut, samla in, påminn och sammanställ.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
round_app = typer.Typer(help="Skapa och skicka ut remissomgångar.", no_args_is_help=True)
app.add_typer(round_app, name="round")
db_app = typer.Typer(help="Databasens schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")

JsonOption = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON (för skript).")]
RoundArg = Annotated[str, typer.Argument(help="Omgångens id, t.ex. sh-2016.")]
DayOption = Annotated[
    dt.datetime | None,
    typer.Option("--today", formats=["%Y-%m-%d"], help="Räkna som om dagens datum vore detta."),
]


def _home() -> str:
    return str(Workspace.from_env().home)


@round_app.command("create")
def round_create(
    file: Annotated[Path, typer.Argument(help="Omgångens YAML-fil.")], json: JsonOption = False
) -> None:
    """Validera en omgångsdefinition och spara den; skriver ut omgångens id."""
    from remiss.services import operations

    round_id, created = operations.create_round(Workspace.from_env(), file)
    if json:
        emit_json({"id": round_id, "created": created})
    else:
        print(round_id if created else f"{round_id} (fanns redan, oförändrad)")


@round_app.command("launch")
def round_launch(round_id: RoundArg, json: JsonOption = False) -> None:
    """Skapa Word- och Excelmall och e-post till varje mottagare (bara det som inte redan skickats)."""
    from remiss_flows.launch import launch_round

    issued = launch_round(round_id, _home())
    if json:
        emit_json(issued)
    else:
        print(f"{len(issued)} mottagare fick mallar i {Workspace.from_env().outbox / round_id}.")


@app.command()
def collect(
    round_id: RoundArg,
    paths: Annotated[list[Path], typer.Argument(help="Filer och mappar med inkomna svar.", exists=True)],
    json: JsonOption = False,
) -> None:
    """Läs in inkomna Word- och Excelfiler: identifiera, spara, läs svaren, avvisa felaktiga filer."""
    from remiss_flows.collect import collect_responses

    results = collect_responses(round_id, [str(p) for p in paths], _home())
    emit_json(
        _public(results, ("file", "outcome", "organisation", "reason", "late", "warnings"))
    ) if json else (collect_table(results))
    if any(r["outcome"] == "rejected" for r in results):
        raise typer.Exit(3)


@app.command()
def status(round_id: RoundArg, json: JsonOption = False, today: DayOption = None) -> None:
    """Visa per förvaltning: saknas, ofullständig eller komplett, sen eller inte."""
    from remiss.services import operations

    rows = [r.as_dict() for r in operations.status(Workspace.from_env(), round_id, _day(today))]
    emit_json(rows) if json else status_table(rows, f"Status för {round_id}")


@app.command()
def chase(round_id: RoundArg, json: JsonOption = False, today: DayOption = None) -> None:
    """Skriv påminnelser till dem som saknas eller är ofullständiga (högst en per dag och förvaltning)."""
    from remiss_flows.chase import chase_missing

    reminders = chase_missing(round_id, _home(), _day(today))
    if json:
        emit_json(reminders)
        return
    new = [r for r in reminders if r["new"]]
    print(f"{len(new)} nya påminnelser ({len(reminders) - len(new)} redan skickade i dag).")
    for reminder in new:
        print(f"  {reminder['organisation']}: {reminder['eml']}")


@app.command()
def annex(
    round_id: RoundArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Var bilagan ska sparas (.docx).")],
    final: Annotated[bool, typer.Option("--final", help="Slutlig bilaga (utan utkastmärkning).")] = False,
    json: JsonOption = False,
) -> None:
    """Sammanställ bilagan: förvaltningarnas svar under gruppernas rubriker."""
    from remiss_flows.annex import assemble_annex

    path = assemble_annex(round_id, str(output.resolve()), _home(), final=final)
    emit_json({"annex": path, "final": final}) if json else print(path)


@app.command()
def demo(
    workspace: Annotated[
        Path | None, typer.Option("--workspace", help="Mapp för demon (standard: ./remiss-demo).")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Kör hela cykeln på Stockholmsexemplet: utskick, 21 svar, påminnelser, status och bilaga."""
    from remiss_flows.demo import demo_cycle

    from remiss.demo.simulate import fresh_workspace

    target = (workspace or Workspace.from_env().home / "remiss-demo").resolve()
    try:
        home = fresh_workspace(target)
    except FileExistsError:
        raise RemissError(
            f"Mappen {target} finns redan och är inte en demomapp; välj en annan med --workspace."
        ) from None
    result = demo_cycle(str(home))
    if json:
        emit_json({**result, "collected": len(result["collected"])})
        return
    status_table(result["status"], f"Status för {result['round']} dagen efter sista svarsdag")
    print(f"\nArbetsmapp: {home}\nBilaga: {result['annex']}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Uppgradera databasens schema till den här versionen av remiss (Alembic-migreringar)."""
    from remiss.store.database import Database

    database = Database(Workspace.from_env().database_url)
    before, after = database.upgrade_schema()
    print(f"Schema: {before or 'tomt'} -> {after} ({database.safe_url})")


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def _public(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: row.get(k) for k in keys} for row in rows]


def main() -> None:
    try:
        app()
    except RemissError as exc:
        errors.print(f"[red]Fel:[/] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
