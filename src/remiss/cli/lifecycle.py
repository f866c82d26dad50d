"""Commands for the round's life after launch: overview, deadline, recipients, close, resend,
withdraw and attribute files, and the audit log. A thin layer over services/lifecycle;
none of them starts Prefect, and every change is logged under `--by` (default: the OS user).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from remiss.cli.options import ByOption, DayOption, JsonOption, OrgArg, RoundArg
from remiss.cli.render import console, count, emit_json, errors, status_table, to_json
from remiss.swedish import parse_date

if TYPE_CHECKING:
    from remiss.services.work import Work


TITLE_WIDTH = 20  # the list fits 80 columns; `round show` prints the whole title


def work_for(round_id: str, by: str | None = None, today: dt.date | None = None) -> Work:
    """The work on `round_id` (an unknown round is a Swedish NotFoundError here)."""
    from remiss.cli import checks
    from remiss.services.work import open_work

    return open_work(checks.workspace(), round_id, by=by, today=today)


def warn(messages: list[str]) -> None:
    """Warnings go to stderr, so --json output stays clean."""
    for message in messages:
        errors.print(f"[yellow]Obs:[/] {escape(message)}", highlight=False, soft_wrap=True)


def round_list(json: JsonOption = False, today: DayOption = None) -> None:
    """Lista alla omgångar: id, titel, sista svarsdag, läge och antal per status."""
    from remiss.cli import checks
    from remiss.services.lifecycle.views import list_rounds

    rounds = list_rounds(checks.workspace(), today)
    if json:
        emit_json(rounds)
        return
    table = Table(
        title="Omgångar", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    # The id is what a coordinator types next, so it is never cut; the title gives way.
    widths = {
        "Id": max([2, *(len(r.id) for r in rounds)]),
        "Svarsdag": 10,
        "Läge": max([4, *(len(r.state_label) for r in rounds)]),
    }
    columns = ("Id", "Titel", "Svarsdag", "Läge", "Kompl.", "Ofullst.", "Saknas")
    others = sum(widths.get(c, len(c)) for c in columns if c != "Titel") + 2 * len(columns)
    title_width = max(8, min(TITLE_WIDTH, console.width - others))
    widths["Titel"] = title_width
    for column in columns:
        table.add_column(
            column,
            no_wrap=True,
            width=widths.get(column, len(column)),
            overflow="ellipsis",
            justify="right" if column[-1] in ".s" else "left",
        )
    for r in rounds:
        title = r.title if len(r.title) <= title_width else r.title[: title_width - 1] + "…"
        counts = (str(r.counts[s]) for s in ("complete", "incomplete", "missing"))
        table.add_row(r.id, escape(title), r.deadline, r.state_label, *counts)
    console.print(table)
    if not rounds:
        console.print("Inga omgångar ännu: skapa en med `remiss round create FIL.yaml`.")


def round_show(round_id: RoundArg, json: JsonOption = False, today: DayOption = None) -> None:
    """Visa en omgång: läge, sista svarsdag, varje mottagares status, borttagna mottagare och karantän."""
    from remiss.services.lifecycle.views import show_round

    detail = show_round(work_for(round_id, today=today))
    if json:
        summary = to_json(detail.summary)
        emit_json({**summary, **{k: v for k, v in to_json(detail).items() if k != "summary"}})
        return
    s = detail.summary
    console.print(f"[bold]{escape(s.title)}[/] ({s.id})", highlight=False)
    budget = f"budgetår {detail.budget_year} · " if detail.budget_year else ""
    console.print(
        f"Diarienummer {escape(s.diarienummer)} · {budget}sista svarsdag {s.deadline} · {s.state_label}",
        highlight=False,
    )
    status_table(detail.statuses, f"Status för {s.id} ({s.state_label})")
    if detail.withdrawn_recipients:
        console.print(f"Borttagna mottagare: {', '.join(detail.withdrawn_recipients)}", highlight=False)
    f = detail.files
    console.print(
        f"Filer: {count(f['accepted'], 'mottagen', 'mottagna')}, "
        f"{count(f['withdrawn'], 'tillbakadragen', 'tillbakadragna')}, {f['rejected']} i karantän.",
        highlight=False,
    )
    for q in detail.quarantined:
        mark = " (kan knytas till en förvaltning med `remiss attribute`)" if q.attributable else ""
        console.print(f"  id {q.id}: {escape(q.stored)} – {q.code}{mark}", highlight=False)


def round_files(
    round_id: RoundArg,
    org: Annotated[str | None, typer.Option("--org", help="Bara den här förvaltningens filer.")] = None,
    json: JsonOption = False,
) -> None:
    """Lista omgångens inkomna filer med id: mottagna, tillbakadragna och i karantän."""
    from remiss.domain.calendar import STOCKHOLM
    from remiss.services.lifecycle.received import list_files

    files = list_files(work_for(round_id), org)
    if json:
        emit_json(files)
        return
    table = Table(title=f"Filer i {round_id}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Id", "Fil", "Förvaltning", "Version", "Läge", "Inkom"):
        table.add_column(column, overflow="fold")
    for f in files:
        state = f.status.label + (" (gäller)" if f.current else "") + (f" – {f.code}" if f.code else "")
        when = f.received_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
        version = f"{f.kind} {f.version}" if f.version else "–"
        table.add_row(str(f.id), escape(f.file), f.organisation or "–", version, state, when)
    console.print(table)


def round_deadline(
    round_id: RoundArg,
    deadline: Annotated[
        dt.date,
        typer.Argument(parser=parse_date, metavar="DATUM", help="Ny sista svarsdag för alla (ÅÅÅÅ-MM-DD)."),
    ],
    by: ByOption = None,
    json: JsonOption = False,
    today: DayOption = None,
) -> None:
    """Flytta omgångens sista svarsdag för alla mottagare (påminnelser och status följer)."""
    from remiss.services.lifecycle.deadline import move_deadline

    moved = move_deadline(work_for(round_id, by, today), deadline)
    if json:
        emit_json(moved)
    else:
        print(f"Sista svarsdag för {round_id}: {moved.deadline} (tidigare {moved.previous}).")
    warn(moved.warnings)


def round_add(
    round_id: RoundArg, organisation: OrgArg, by: ByOption = None, json: JsonOption = False
) -> None:
    """Lägg till en mottagare; i en utskickad omgång får den sina mallar och sin begäran direkt."""
    from remiss.services.lifecycle.recipients import add_recipient

    change = add_recipient(work_for(round_id, by), organisation)
    if json:
        emit_json(change)
    else:
        again = " igen" if change.change == "reinstated" else ""
        print(
            f"{change.name} ({change.organisation}) är mottagare{again} av {round_id} "
            f"({count(change.measures, 'åtgärd', 'åtgärder')})."
        )
        if change.eml:
            print(f"Mallar och begäran: {change.eml}")
    warn(change.notes)


def round_remove(
    round_id: RoundArg, organisation: OrgArg, by: ByOption = None, json: JsonOption = False
) -> None:
    """Ta bort en mottagare: den listas, påminns och tas med i bilagan inte längre (filerna finns kvar)."""
    from remiss.services.lifecycle.recipients import withdraw_recipient

    change = withdraw_recipient(work_for(round_id, by), organisation)
    if json:
        emit_json(change)
    else:
        print(f"{change.name} ({change.organisation}) är inte längre mottagare av {round_id}.")
    warn(change.notes)


def round_close(round_id: RoundArg, by: ByOption = None, json: JsonOption = False) -> None:
    """Stäng omgången: inga fler svar tas emot och inga påminnelser skickas."""
    from remiss.services.lifecycle.state import close_round

    change = close_round(work_for(round_id, by))
    if json:
        emit_json(change)
    else:
        print(
            f"Omgången {round_id} är stängd." if change.changed else f"Omgången {round_id} var redan stängd."
        )


def round_reopen(round_id: RoundArg, by: ByOption = None, json: JsonOption = False) -> None:
    """Öppna en stängd omgång igen: svar tas emot och påminnelser skickas som förut."""
    from remiss.services.lifecycle.state import reopen_round

    change = reopen_round(work_for(round_id, by))
    if json:
        emit_json(change)
    else:
        print(
            f"Omgången {round_id} är öppen ({change.state.label})."
            if change.changed
            else f"Omgången {round_id} var inte stängd."
        )


def resend(
    round_id: RoundArg,
    organisation: OrgArg,
    by: ByOption = None,
    request_id: Annotated[
        str | None,
        typer.Option(
            "--request-id", help="Begärans id: samma id skickar aldrig två gånger (standard: nytt)."
        ),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Skicka mallarna och begäran till en förvaltning igen (ett nytt meddelande i utkorgen)."""
    from remiss.cli import checks
    from remiss.services.lifecycle.resend import resend as resend_service

    checks.link_base()  # the request carries the nämnd's link: checked before its templates are rewritten
    resent = resend_service(work_for(round_id, by), organisation, request_id=request_id)
    if json:
        emit_json(resent)
    elif resent.new:
        print(f"{resent.name} ({resent.organisation}) får mallarna igen: {resent.eml}")
    else:
        print(f"Redan skickat igen med det id:t: {resent.eml}")


def withdraw(
    round_id: RoundArg,
    file: Annotated[
        str, typer.Argument(metavar="FIL", help="Filens id, början av dess sha256 eller dess namn i arkivet.")
    ],
    by: ByOption = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Varför, för loggen.")] = None,
    json: JsonOption = False,
) -> None:
    """Dra tillbaka en felaktigt mottagen fil: den räknas inte, föregående version gäller igen."""
    from remiss.services.lifecycle.withdraw import withdraw_file

    taken = withdraw_file(work_for(round_id, by), file, reason=reason)
    if json:
        emit_json(taken)
        return
    now = (
        f"version {taken.current_version} gäller nu"
        if taken.current_version
        else "ingen fil av det slaget gäller nu"
    )
    print(
        f"{taken.file} (id {taken.file_id}, {taken.organisation}, version {taken.version}) "
        f"räknas inte längre; {now}."
    )


def attribute(
    round_id: RoundArg,
    file: Annotated[
        str, typer.Argument(metavar="FIL", help="Filen i karantänen: id, början av sha256 eller namn.")
    ],
    organisation: OrgArg,
    by: ByOption = None,
    json: JsonOption = False,
) -> None:
    """Knyt en oidentifierad fil i karantänen till en förvaltning; den läses sedan in som dess svar."""
    from remiss.services.lifecycle.attribute import attribute_file

    done = attribute_file(work_for(round_id, by), file, organisation)
    if json:
        emit_json(done)
        return
    late = ", sen" if done.late else ""
    receipt = f" Kvittens: {done.receipt}" if done.receipt else ""
    what = f"{done.kind}, version {done.version}{late}"
    print(f"{done.file} hör nu till {done.organisation} ({what}).{receipt}")


def log(
    round_id: RoundArg,
    org: Annotated[str | None, typer.Option("--org", help="Bara den här förvaltningen.")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Bara de senaste N händelserna.", min=1)
    ] = None,
    json: JsonOption = False,
) -> None:
    """Visa omgångens logg: när, vem, vad och för vilken förvaltning."""
    from remiss.domain.calendar import STOCKHOLM
    from remiss.services.lifecycle.log import read_log

    entries = read_log(work_for(round_id), organisation=org, limit=limit)
    if json:
        emit_json(entries)
        return
    table = Table(title=f"Logg för {round_id}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("Tid", "Vem", "Förvaltning", "Händelse"):
        table.add_column(column, overflow="fold")
    for e in entries:
        when = e.at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
        table.add_row(when, escape(e.actor or "–"), e.organisation or "–", escape(e.text))
    console.print(table)


def register(app: typer.Typer, round_app: typer.Typer) -> None:
    for name, command in (
        ("list", round_list),
        ("show", round_show),
        ("files", round_files),
        ("deadline", round_deadline),
        ("add", round_add),
        ("remove", round_remove),
        ("close", round_close),
        ("reopen", round_reopen),
    ):
        round_app.command(name)(command)
    for command in (resend, withdraw, attribute, log):
        app.command()(command)
