"""How the CLI shows results: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from remiss.domain import Group
from remiss.domain.outcomes import AnswerStatus, Outcome
from remiss.services.files import display_name

console = Console()
errors = Console(stderr=True)

STATUS_STYLE = {
    AnswerStatus.MISSING: "red",
    AnswerStatus.INCOMPLETE: "yellow",
    AnswerStatus.COMPLETE: "green",
}
OUTCOME_STYLE = {
    Outcome.REJECTED: "red",
    Outcome.ACCEPTED: "green",
    Outcome.SUPERSEDED: "green",
    Outcome.INCOMPLETE: "yellow",
    Outcome.DUPLICATE: "dim",
    Outcome.PENDING: "yellow",
}


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
            table.add_row(f"[bold]{Group(group).heading}[/]", end_section=False)
        status = AnswerStatus(row["status"])
        table.add_row(
            f"  {row['name']}",
            f"[{STATUS_STYLE[status]}]{status.label}[/]",
            "[red]ja[/]" if row["late"] else "nej",
            _day_month(row.get("last_received")),
            str(row["reminders"]),
            _day_month(row.get("extension")),
            escape(_shorten([*_waiting(row), *row["empty"], *row["problems"]])),
        )
    console.print(table)
    counts = Counter(AnswerStatus(r["status"]) for r in rows)
    console.print(
        f"{counts[AnswerStatus.COMPLETE]} kompletta, {counts[AnswerStatus.INCOMPLETE]} ofullständiga, "
        f"{counts[AnswerStatus.MISSING]} saknas ({sum(1 for r in rows if r['late'])} sena) av {len(rows)}."
    )


def _waiting(row: dict[str, Any]) -> list[str]:
    return [f"väntar på bekräftelse: {name}" for name in row.get("pending") or []]


def collect_table(rows: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Insamlade filer", title_justify="left")
    for column in ("Fil", "Utfall", "Organisation", "Identifierad genom", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for row in rows:
        notes = [row.get("reason") or "", *(row.get("warnings") or []), "sen" if row.get("late") else ""]
        outcome = Outcome(row["outcome"])
        table.add_row(
            escape(display_name(row["file"], 240)),
            f"[{OUTCOME_STYLE[outcome]}]{outcome.label}[/]",
            row.get("organisation") or "–",
            row.get("identified_by") or "–",
            escape("; ".join(dict.fromkeys(n for n in notes if n))),
        )
    console.print(table)
    counts = Counter(Outcome(r["outcome"]) for r in rows)
    said = ", ".join(f"{counts[o]} {o.label}" for o in Outcome if counts[o])
    console.print(f"{said} av {len(rows)} filer.")


def _day_month(iso: str | None) -> str:
    """'2016-05-09…' as '9/5', the short Swedish date; '–' for none."""
    return f"{int(iso[8:10])}/{int(iso[5:7])}" if iso else "–"


def _shorten(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" … (+{len(items) - limit})"


def outbox_report(report: dict[str, Any]) -> None:
    """What `remiss send` did: sent now, what failed, and every message not going out, with why."""
    console.print(f"{len(report['sent'])} meddelanden skickade.")
    for key, refused in report.get("refused", {}).items():
        console.print(f"  [yellow]{key}[/]: tog inte emot {', '.join(refused)}", highlight=False)
    for key, error in report["failed"].items():
        console.print(f"  [red]väntar[/] {key}: {escape(error)}", highlight=False)
    waiting = report.get("waiting", {})
    if waiting:
        console.print(f"{len(waiting)} meddelanden går inte ut nu:")
    for key, reason in waiting.items():
        console.print(f"  [yellow]{escape(key)}[/]: {escape(reason)}", highlight=False, soft_wrap=True)


def fetch_table(messages: Sequence[dict[str, Any]]) -> None:
    """What `remiss fetch` took from the mailbox: per message, per attached file."""
    table = Table(title="Hämtat från brevlådan", title_justify="left")
    for column in ("Avsändare", "Fil", "Utfall", "Organisation", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for message in messages:
        sender = escape(message["sender"] or "–")
        if not message["files"]:
            table.add_row(sender, escape(message["subject"]), "–", "–", escape(message.get("note") or ""))
        for item in message["files"]:
            outcome = Outcome(item["outcome"])
            note = " ".join(n for n in (item.get("note"), item.get("reason")) if n)
            if outcome is Outcome.REJECTED and message["refusals"]:
                note += " (avsändaren har fått svar)"
            label = f"[{OUTCOME_STYLE[outcome]}]{outcome.label}[/]"
            table.add_row(sender, escape(item["file"]), label, item["organisation"] or "–", escape(note))
        if message["files"] and message.get("note"):  # e.g. refusals not answered: for the coordinator
            table.add_row(sender, escape(message["subject"]), "–", "–", escape(message["note"]))
    console.print(table)
    console.print(f"{len(messages)} meddelanden behandlade.")
