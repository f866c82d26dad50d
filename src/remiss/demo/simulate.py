"""The demo's stand-in for the nämnder: fill the issued templates as a person would.

Files are renamed the way people rename them ("Svar Bromma SDN.docx"), so the demo also
shows that identification does not depend on file names.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from remiss.demo.answers import ANSWERING, excel_values, received_offsets, word_answers
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.word.fill import fill_response_docx
from remiss.services.chase.reminders import Reminder
from remiss.services.context import RoundContext
from remiss.services.intake.received import CollectResult
from remiss.services.launch import file_names
from remiss.services.status import OrganisationStatus
from remiss.settings import Workspace

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MARKER = ".remiss-demo"


@dataclass(frozen=True)
class Arrival:
    """Files one nämnd returns, and when they reach the registrator."""

    organisation: str
    files: list[Path]
    at: dt.datetime


@dataclass
class DemoRun:
    """What `remiss demo` did, start to end."""

    workspace: str
    round: str
    issued: int
    collected: list[CollectResult]
    reminders: list[Reminder]
    status: list[OrganisationStatus]  # the day after the deadline
    annex: str


def fresh_workspace(path: Path) -> Path:
    """An empty demo folder; only a folder the demo made itself is ever wiped."""
    if path.exists() and any(path.iterdir()):
        if not (path / MARKER).exists():
            raise FileExistsError(path)
        shutil.rmtree(path)
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text("Skapad av remiss demo; töms när demon körs igen.\n", encoding="utf-8")
    return path


def simulate_returns(workspace: Workspace, ctx: RoundContext) -> list[Arrival]:
    """Fill and 'return' the templates of the organisations that answered in seed 001."""
    offsets = received_offsets()
    arrivals = []
    for org_id in (o for o in ctx.recipient_ids if o in ANSWERING):
        day = ctx.deadline_for(org_id) - dt.timedelta(days=offsets.get(org_id, 3))
        at = dt.datetime.combine(day, dt.time(9 + len(arrivals) % 7, 15), STOCKHOLM)
        arrivals.append(Arrival(org_id, _fill(workspace, ctx, org_id), at))
    return sorted(arrivals, key=lambda a: a.at)


def _fill(workspace: Workspace, ctx: RoundContext, org_id: str) -> list[Path]:
    org, assignments = ctx.organisation(org_id), ctx.assignments(org_id)
    issued = workspace.round_outbox(ctx.round_id, org_id)
    docx_name, xlsx_name = file_names(ctx, org_id)
    inbox = workspace.home / "inkommet" / org_id
    inbox.mkdir(parents=True, exist_ok=True)
    docx = inbox / f"Svar {org.forvaltning}.docx"
    docx.write_bytes(
        fill_response_docx((issued / docx_name).read_bytes(), word_answers(ctx.definition, org, assignments))
    )
    files = [docx]
    values = excel_values(ctx.definition, org, assignments)
    if values:
        xlsx = inbox / f"Prioriteringar {org.forvaltning}.xlsx"
        xlsx.write_bytes(fill_response_xlsx((issued / xlsx_name).read_bytes(), values))
        files.append(xlsx)
    return files
