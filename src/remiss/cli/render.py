"""How the CLI shows results: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from remiss.services.files import display_name

console = Console()
errors = Console(stderr=True)

STATUS_SV = {"missing": "saknas", "incomplete": "ofullständig", "complete": "komplett"}
OUTCOME_SV = {
    "accepted": "mottagen",
    "duplicate": "dubblett",
    "superseded": "ny version",
    "incomplete": "ofullständig",
    "rejected": "avvisad",
    "pending": "väntar på bekräftelse",
}
STATUS_STYLE = {"missing": "red", "incomplete": "yellow", "complete": "green"}
GROUP_SV = {"fack": "Fackförvaltningar", "stadsdel": "Stadsdelsförvaltningar", "bolag": "Bolag"}


def emit_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def status_table(rows: Sequence[dict[str, Any]], title: str) -> None:
    """One row per organisation, grouped under the annex's group headings."""
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    table.add_column("Förvaltning", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Sen", no_wrap=True)
    table.add_column("Fil", no_wrap=True)  # the day the latest file came
    table.add_column("Påm.", justify="right", no_wrap=True)
    table.add_column("Anst.", no_wrap=True)  # extension (anstånd) until
    table.add_column("Tomma svar", overflow="fold")
    group = None
    for row in rows:
        if row["group"] != group:
            group = row["group"]
            table.add_row(f"[bold]{GROUP_SV.get(group, group)}[/]", end_section=False)
        status = row["status"]
        table.add_row(
            f"  {row['name']}",
            f"[{STATUS_STYLE[status]}]{STATUS_SV[status]}[/]",
            "[red]ja[/]" if row["late"] else "nej",
            _day_month(row.get("last_received")),
            str(row["reminders"]),
            _day_month(row.get("extension")),
            escape(_shorten([*_waiting(row), *row["empty"], *row["problems"]])),
        )
    console.print(table)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUS_SV}
    console.print(
        f"{counts['complete']} kompletta, {counts['incomplete']} ofullständiga, {counts['missing']} saknas "
        f"({sum(1 for r in rows if r['late'])} sena) av {len(rows)}."
    )


def _waiting(row: dict[str, Any]) -> list[str]:
    return [f"väntar på bekräftelse: {name}" for name in row.get("pending") or []]


def collect_table(rows: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Insamlade filer", title_justify="left")
    for column in ("Fil", "Utfall", "Organisation", "Identifierad genom", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for row in rows:
        notes = [row.get("reason") or "", *(row.get("warnings") or []), "sen" if row.get("late") else ""]
        outcome = row["outcome"]
        style = {"rejected": "red", "accepted": "green", "superseded": "green", "incomplete": "yellow"}
        table.add_row(
            escape(display_name(row["file"], 240)),
            f"[{style.get(outcome, 'dim')}]{OUTCOME_SV[outcome]}[/]",
            row.get("organisation") or "–",
            row.get("identified_by") or "–",
            escape("; ".join(dict.fromkeys(n for n in notes if n))),
        )
    console.print(table)
    counts = {o: sum(1 for r in rows if r["outcome"] == o) for o in OUTCOME_SV}
    console.print(
        ", ".join(f"{n} {OUTCOME_SV[o]}" for o, n in counts.items() if n) + f" av {len(rows)} filer."
    )


def _day_month(iso: str | None) -> str:
    """'2016-05-09…' as '9/5', the short Swedish date; '–' for none."""
    return f"{int(iso[8:10])}/{int(iso[5:7])}" if iso else "–"


def _shorten(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" … (+{len(items) - limit})"


def outbox_report(report: dict[str, Any]) -> None:
    """What `remiss send` did: sent now, and what is still waiting, with the server's answer."""
    console.print(f"{len(report['sent'])} meddelanden skickade.")
    for key, refused in report.get("refused", {}).items():
        console.print(f"  [yellow]{key}[/]: tog inte emot {', '.join(refused)}", highlight=False)
    for key, error in report["failed"].items():
        console.print(f"  [red]väntar[/] {key}: {escape(error)}", highlight=False)


def fetch_table(messages: Sequence[dict[str, Any]]) -> None:
    """What `remiss fetch` took from the mailbox: per message, per attached file."""
    table = Table(title="Hämtat från brevlådan", title_justify="left")
    for column in ("Avsändare", "Fil", "Utfall", "Organisation", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for message in messages:
        sender = escape(message["sender"] or "–")
        if not message["files"]:
            table.add_row(sender, escape(message["subject"]), "–", "–", message.get("note") or "")
        for item in message["files"]:
            outcome = item["outcome"]
            good = outcome in ("accepted", "superseded")
            style = "red" if outcome == "rejected" else "green" if good else "dim"
            note = item.get("reason") or ""
            if outcome == "rejected" and message["refusals"]:
                note += " (avsändaren har fått svar)"
            label = f"[{style}]{OUTCOME_SV.get(outcome, outcome)}[/]"
            table.add_row(sender, escape(item["file"]), label, item["organisation"] or "–", escape(note))
    console.print(table)
    console.print(f"{len(messages)} meddelanden behandlade.")
