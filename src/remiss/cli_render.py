"""How the CLI shows results: rich tables for people, JSON for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

console = Console()
errors = Console(stderr=True)

STATUS_SV = {"missing": "saknas", "incomplete": "ofullständig", "complete": "komplett"}
OUTCOME_SV = {
    "accepted": "mottagen",
    "duplicate": "dubblett",
    "superseded": "ny version",
    "rejected": "avvisad",
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
    table.add_column("Mottagen", no_wrap=True)
    table.add_column("Påm.", justify="right", no_wrap=True)
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
            (row["received"] or "–")[:10],
            str(row["reminders"]),
            _shorten(row["empty"] + row["problems"]),
        )
    console.print(table)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUS_SV}
    console.print(
        f"{counts['complete']} kompletta, {counts['incomplete']} ofullständiga, {counts['missing']} saknas "
        f"({sum(1 for r in rows if r['late'])} sena) av {len(rows)}."
    )


def collect_table(rows: Sequence[dict[str, Any]]) -> None:
    table = Table(title="Insamlade filer", title_justify="left")
    for column in ("Fil", "Utfall", "Organisation", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for row in rows:
        note = row.get("reason") or "; ".join(row.get("warnings") or []) or ("sen" if row.get("late") else "")
        outcome = row["outcome"]
        style = (
            "red" if outcome == "rejected" else "green" if outcome in ("accepted", "superseded") else "dim"
        )
        table.add_row(row["file"], f"[{style}]{OUTCOME_SV[outcome]}[/]", row.get("organisation") or "–", note)
    console.print(table)


def _shorten(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" … (+{len(items) - limit})"
