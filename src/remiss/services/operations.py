"""The whole job as plain function calls: what the flows orchestrate and the benchmarks time.

Every function takes ids and paths (never sessions or documents), so Prefect tasks can
call them with serialisable arguments and in batches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from remiss.documents.annex import build_annex
from remiss.services import annex as annex_service
from remiss.services import chase as chase_service
from remiss.services import collect as collect_service
from remiss.services import launch as launch_service
from remiss.services import rounds
from remiss.services.context import RoundContext, load_context
from remiss.services.files import write_atomic
from remiss.services.status import OrganisationStatus, round_status
from remiss.settings import Workspace
from remiss.store import audit
from remiss.store.database import Database, open_database


def database(workspace: Workspace) -> Database:
    return open_database(workspace.database_url)


def context(workspace: Workspace, round_id: str) -> RoundContext:
    with database(workspace).session() as session:
        return load_context(session, round_id)


def create_round(workspace: Workspace, path: Path) -> tuple[str, bool]:
    with database(workspace).session() as session:
        definition, created = rounds.create_round(session, path)
    return definition.id, created


def pending_launch(workspace: Workspace, round_id: str) -> list[str]:
    with database(workspace).session() as session:
        return launch_service.pending_organisations(session, load_context(session, round_id))


def issue_many(workspace: Workspace, round_id: str, org_ids: list[str]) -> list[launch_service.Issued]:
    """Issue templates to each organisation, one transaction each."""
    ctx = context(workspace, round_id)
    issued = []
    for org_id in org_ids:
        with database(workspace).session() as session:
            issued.append(launch_service.issue(session, workspace, ctx, org_id))
    with database(workspace).session() as session:
        launch_service.mark_launched(session, ctx)
    return issued


def launch(workspace: Workspace, round_id: str) -> list[launch_service.Issued]:
    return issue_many(workspace, round_id, pending_launch(workspace, round_id))


def collect_many(
    workspace: Workspace, round_id: str, paths: list[Path], now: dt.datetime | None = None
) -> list[collect_service.CollectResult]:
    ctx = context(workspace, round_id)
    db = database(workspace)
    return [collect_service.collect_file(db, workspace, ctx, path, now) for path in paths]


def status(workspace: Workspace, round_id: str, today: dt.date | None = None) -> list[OrganisationStatus]:
    with database(workspace).session() as session:
        ctx = load_context(session, round_id)
        return round_status(session, ctx, today or dt.date.today())


def chase(workspace: Workspace, round_id: str, today: dt.date | None = None) -> list[chase_service.Reminder]:
    today = today or dt.date.today()
    ctx = context(workspace, round_id)
    reminders = []
    for org_status in status(workspace, round_id, today):
        with database(workspace).session() as session:
            reminder = chase_service.remind(session, workspace, ctx, org_status, today)
        if reminder is not None:
            reminders.append(reminder)
    return reminders


def annex(
    workspace: Workspace, round_id: str, output: Path, *, final: bool = False, now: dt.datetime | None = None
) -> Path:
    """Write the compiled annex; a draft is stamped 'Utkast', a final one records its versions."""
    now = now or dt.datetime.now()
    stamp = None if final else f"Utkast {now:%Y-%m-%d %H:%M}"
    with database(workspace).session() as session:
        ctx = load_context(session, round_id)
        document = annex_service.gather_annex(session, ctx, now.date(), stamp)
        write_atomic(output, build_annex(document))
        if final:
            versions = annex_service.used_versions(session, round_id)
            audit.record(session, "annex.final", round_id, output=str(output), versions=versions)
    return output
