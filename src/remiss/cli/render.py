"""How the CLI shows results: rich tables for people, JSON for scripts."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from remiss.domain.outcomes import AnswerStatus, FileState, Outcome
from remiss.services.files import display_name

if TYPE_CHECKING:  # the results' modules are imported by the commands that make them
    from remiss.services.annex.publish import AnnexResult
    from remiss.services.intake.inbox import TakenMessage
    from remiss.services.intake.received import CollectResult
    from remiss.services.outbox import DispatchReport
    from remiss.services.status import OrganisationStatus

EMPTY_WIDTH = 30  # the widest the "Tomma svar" column insists on being

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

OUTCOME_PLURAL = {
    Outcome.ACCEPTED: "mottagna",
    Outcome.SUPERSEDED: "nya versioner",
    Outcome.INCOMPLETE: "ofullständiga",
    Outcome.DUPLICATE: "dubbletter",
    Outcome.REJECTED: "avvisade",
    Outcome.PENDING: "väntar på bekräftelse",
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
    """One row per organisation, grouped under the annex's group headings.

    Empty answers are listed whole ("4.1.1 Kommentar; 4.1.2 Kommentar"): rich wraps at any
    space, so when the terminal leaves too little room for the column (80 columns, piped)
    they go under the table, one organisation a line, wrapped between items only.
    """
    items = [
        _shorten([*(f"väntar på bekräftelse: {name}" for name in row.pending), *row.empty, *row.problems])
        for row in rows
    ]
    without = _status(rows, title, None)
    room = console.width - Measurement.get(console, console.options, without).maximum - 2
    widest = max((len(item) for found in items for item in found), default=0)
    if room >= min(widest, EMPTY_WIDTH) or not widest:
        cells = ["; ".join(found) if len("; ".join(found)) <= room else "\n".join(found) for found in items]
        console.print(_status(rows, title, cells, min(widest, max(room, 0))))
    else:
        console.print(without)
        console.print("Tomma svar:")
        for row, found in zip(rows, items, strict=True):
            if found:
                console.print(escape(_wrap(f"  {row.name}: ", found, console.width)), highlight=False)
    from remiss.services.status import count_line

    console.print(f"{count_line(rows)}.")


def _status(rows: Sequence[OrganisationStatus], title: str, empty: list[str] | None, width: int = 0) -> Table:
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    table.add_column("Förvaltning", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Sen", no_wrap=True)
    table.add_column("Fil", no_wrap=True)  # the day the latest file came
    table.add_column("Påm.", justify="right", no_wrap=True)
    table.add_column("Anst.", no_wrap=True)  # extension (anstånd) until
    if empty is not None:
        table.add_column("Tomma svar", overflow="fold", min_width=width)
    group = None
    for index, row in enumerate(rows):
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
            *([escape(empty[index])] if empty is not None else []),
        )
    return table


def _wrap(prefix: str, items: list[str], width: int) -> str:
    """`prefix` and the items joined by "; ", new lines (indented) only between items."""
    lines, line = [], prefix
    for item in items:
        piece = item if line == prefix else f"; {item}"
        if line not in (prefix, "    ") and len(line) + len(piece) > width:
            lines.append(line + ";")
            line, piece = "    ", item
        line += piece
    return "\n".join([*lines, line])


def collect_table(rows: Sequence[CollectResult]) -> None:
    table = Table(title="Insamlade filer", title_justify="left")
    for column in ("Fil", "Utfall", "Organisation", "Identifierad genom", "Anmärkning"):
        table.add_column(column, overflow="fold")
    for row in rows:
        notes = [_reason(row), *row.warnings, "sen" if row.late else ""]
        label, style = row.outcome.label, OUTCOME_STYLE[row.outcome]
        if row.earlier_state is not None:  # the same bytes as before: say what became of them
            earlier = FileState(row.earlier_state)
            label = f"{label}, redan {earlier.label}"
            style = "red" if earlier is FileState.REJECTED else style
        table.add_row(
            escape(display_name(Path(row.file).name, 240)),  # the JSON keeps the path
            f"[{style}]{escape(label)}[/]",
            row.organisation or "–",
            row.identified_by or "–",
            escape("; ".join(dict.fromkeys(n for n in notes if n))),
        )
    console.print(table)
    counts = Counter(r.outcome for r in rows)
    said = ", ".join(count(counts[o], o.label, OUTCOME_PLURAL[o]) for o in Outcome if counts[o])
    console.print(f"{said} av {count(len(rows), 'fil', 'filer')}.")


_UNCHANGED = "Inga svar är ifyllda; filen räknas som ofullständig."  # services/intake/accept.py


def _reason(row: CollectResult) -> str:
    """The row's reason, less what a warning already says (an unchanged template names itself)."""
    reason = row.reason or ""
    named = any("är oförändrad: inga svar är ifyllda" in w for w in row.warnings)
    if reason.startswith(_UNCHANGED) and named:
        return reason.removeprefix(_UNCHANGED).strip()
    return reason


def _day_month(iso: str | None) -> str:
    """'2016-05-09…' as '9/5', the short Swedish date; '–' for none."""
    return f"{int(iso[8:10])}/{int(iso[5:7])}" if iso else "–"


def _shorten(items: list[str], limit: int = 4) -> list[str]:
    if len(items) <= limit:
        return items
    return [*items[:limit], f"… (+{len(items) - limit})"]


def outbox_report(report: DispatchReport, outbox: Path, *, every: bool = False) -> None:
    """What `remiss send` did: sent now, what failed, and what is not going out, by reason.

    One line per reason (63 messages written without SMTP settings are one line); `every`
    lists each message with its own reason, as the JSON always does.
    """
    console.print(
        f"{count(len(report.sent), 'meddelande skickat', 'meddelanden skickade')}.", highlight=False
    )
    for key, refused in report.refused.items():
        console.print(f"  [yellow]{key}[/]: tog inte emot {', '.join(refused)}", highlight=False)
    for key, error in report.failed.items():
        console.print(f"  [red]väntar[/] {key}: {escape(error)}", highlight=False)
    waiting = report.waiting
    if not waiting:
        return
    if every:
        console.print(f"{count(len(waiting), 'meddelande', 'meddelanden')} går inte ut nu:", highlight=False)
        for key, reason in waiting.items():
            console.print(f"  [yellow]{escape(key)}[/]: {escape(reason)}", highlight=False, soft_wrap=True)
        return
    kinds = Counter(_waiting_kind(reason) for reason in waiting.values())
    for kind, n in kinds.items():
        console.print(
            f"{count(n, 'meddelande', 'meddelanden')} går inte ut: {kind}.", highlight=False, soft_wrap=True
        )
    if _FILE_ONLY in kinds or _NO_SMTP in kinds:
        how = "skicka dem för hand eller ställ in SMTP" if _NO_SMTP in kinds else "skicka dem för hand"
        console.print(
            f".eml-filerna ligger i {escape(str(outbox))} – {how}.",
            highlight=False,
            soft_wrap=True,
        )
    console.print("Varje meddelande och skäl: remiss send --all (eller --json).", highlight=False)


_NO_SMTP = "inga SMTP-inställningar (REMISS_SMTP_HOST)"
_FILE_ONLY = "skrevs utan SMTP-inställningar (REMISS_SMTP_HOST) och skickas aldrig av remiss"


def _waiting_kind(reason: str) -> str:
    """A message's reason without what is its own (its path, its time), to count alike ones."""
    if reason.startswith("skrevs utan SMTP"):
        return _FILE_ONLY
    if reason.startswith("väntar på SMTP"):
        return _NO_SMTP
    if reason.startswith("nytt försök"):
        return "väntar på ett nytt försök efter ett misslyckat (se --all)"
    if reason.startswith("skickas av en annan körning"):
        return "skickas av en annan körning just nu"
    return reason


def count(n: int, one: str, many: str) -> str:
    """'1 meddelande', '2 meddelanden': the number with the word in the right form."""
    return f"{n} {one if n == 1 else many}"


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
    console.print(f"{count(len(messages), 'meddelande behandlat', 'meddelanden behandlade')}.")


def annex_report(result: AnnexResult) -> None:
    """The files written, then the accessibility check's verdict when one was asked for."""
    print(result.annex)
    if result.pdf:
        pages = f" ({result.pages} sidor)" if result.pages else ""
        print(f"PDF: {result.pdf}{pages}")
    if result.xlsx:
        print(f"Arbetsbok: {result.xlsx}")
    if result.checked:
        found = count(len(result.problems), "brist", "brister") if result.problems else "inga brister"
        print(f"Tillgänglighetsgranskning: {found}.")
        for problem in result.problems:
            print(f"  - {problem}")
