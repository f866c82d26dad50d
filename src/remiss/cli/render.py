"""How the CLI shows results: rich tables for people, JSON for scripts."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from remiss.domain.outcomes import AnswerStatus, FileState, Outcome
from remiss.services.files import display_name

if TYPE_CHECKING:  # the results' modules are imported by the commands that make them
    from remiss.services.annex.publish import AnnexResult
    from remiss.services.intake.inbox import TakenMessage
    from remiss.services.intake.received import CollectResult
    from remiss.services.outbox import DispatchReport
    from remiss.services.status import OrganisationStatus

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


def to_json(data: Any) -> Any:
    """Dataclasses (the services' results) as plain JSON values; enums are their strings."""
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return {f.name: to_json(getattr(data, f.name)) for f in dataclasses.fields(data)}
    if isinstance(data, list | tuple):
        return [to_json(item) for item in data]
    if isinstance(data, dict):
        return {str(k): to_json(v) for k, v in data.items()}
    if isinstance(data, str | int | float | bool) or data is None:
        return data
    return str(data)  # paths, dates


def emit_json(data: Any, keys: Sequence[str] | None = None) -> None:
    """Print `data` as JSON; `keys` keeps only those keys of each row (the README's contract)."""
    plain = to_json(data)
    if keys is not None:
        plain = [{k: row.get(k) for k in keys} for row in plain]
    print(json.dumps(plain, ensure_ascii=False, indent=2))


def status_table(rows: Sequence[OrganisationStatus], title: str) -> None:
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
        if row.group != group:
            group = row.group
            table.add_row(f"[bold]{group.heading}[/]", end_section=False)
        table.add_row(
            f"  {row.name}",
            f"[{STATUS_STYLE[row.status]}]{row.status.label}[/]",
            "[red]ja[/]" if row.late else ("–" if row.status is AnswerStatus.MISSING else "nej"),
            _day_month(row.last_received),
            str(row.reminders),
            _day_month(row.extension),
            escape(
                _shorten(
                    [*(f"väntar på bekräftelse: {name}" for name in row.pending), *row.empty, *row.problems]
                )
            ),
        )
    console.print(table)
    from remiss.services.status import count_line

    console.print(f"{count_line(rows)}.")


def collect_table(rows: Sequence[CollectResult]) -> None:
    table = Table(title="Insamlade filer", title_justify="left")
    for column in ("Fil", "Utfall", "Organisation", "Identifierad genom", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for row in rows:
        notes = [row.reason or "", *row.warnings, "sen" if row.late else ""]
        label, style = row.outcome.label, OUTCOME_STYLE[row.outcome]
        if row.earlier_state is not None:  # the same bytes as before: say what became of them
            earlier = FileState(row.earlier_state)
            label = f"{label}, redan {earlier.label}"
            style = "red" if earlier is FileState.REJECTED else style
        table.add_row(
            escape(display_name(row.file, 240)),
            f"[{style}]{escape(label)}[/]",
            row.organisation or "–",
            row.identified_by or "–",
            escape("; ".join(dict.fromkeys(n for n in notes if n))),
        )
    console.print(table)
    counts = Counter(r.outcome for r in rows)
    said = ", ".join(f"{counts[o]} {o.label}" for o in Outcome if counts[o])
    console.print(f"{said} av {len(rows)} filer.")


def _day_month(iso: str | None) -> str:
    """'2016-05-09…' as '9/5', the short Swedish date; '–' for none."""
    return f"{int(iso[8:10])}/{int(iso[5:7])}" if iso else "–"


def _shorten(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" … (+{len(items) - limit})"


def outbox_report(report: DispatchReport) -> None:
    """What `remiss send` did: sent now, what failed, and every message not going out, with why."""
    console.print(f"{len(report.sent)} meddelanden skickade.")
    for key, refused in report.refused.items():
        console.print(f"  [yellow]{key}[/]: tog inte emot {', '.join(refused)}", highlight=False)
    for key, error in report.failed.items():
        console.print(f"  [red]väntar[/] {key}: {escape(error)}", highlight=False)
    waiting = report.waiting
    if waiting:
        console.print(f"{len(waiting)} meddelanden går inte ut nu:")
    for key, reason in waiting.items():
        console.print(f"  [yellow]{escape(key)}[/]: {escape(reason)}", highlight=False, soft_wrap=True)


def fetch_table(messages: Sequence[TakenMessage]) -> None:
    """What `remiss fetch` took from the mailbox: per message, per attached file."""
    table = Table(title="Hämtat från brevlådan", title_justify="left")
    for column in ("Avsändare", "Fil", "Utfall", "Organisation", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for message in messages:
        sender = escape(message.sender or "–")
        if not message.files:
            table.add_row(sender, escape(message.subject), "–", "–", escape(message.note or ""))
        for item in message.files:
            note = " ".join(n for n in (item.note, item.reason) if n)
            if item.outcome is Outcome.REJECTED and message.refusals:
                note += " (avsändaren har fått svar)"
            label = f"[{OUTCOME_STYLE[item.outcome]}]{item.outcome.label}[/]"
            table.add_row(sender, escape(item.file), label, item.organisation or "–", escape(note))
        if message.files and message.note:  # e.g. refusals not answered: for the coordinator
            table.add_row(sender, escape(message.subject), "–", "–", escape(message.note))
    console.print(table)
    console.print(f"{len(messages)} meddelanden behandlade.")


def annex_report(result: AnnexResult) -> None:
    """The files written, then the accessibility check's verdict when one was asked for."""
    print(result.annex)
    if result.pdf:
        pages = f" ({result.pages} sidor)" if result.pages else ""
        print(f"PDF: {result.pdf}{pages}")
    if result.xlsx:
        print(f"Arbetsbok: {result.xlsx}")
    if result.checked:
        print(f"Tillgänglighetsgranskning: {len(result.problems) or 'inga'} brister.")
        for problem in result.problems:
            print(f"  - {problem}")
