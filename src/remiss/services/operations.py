"""The whole job as plain function calls: what the flows orchestrate and the benchmarks time.

Every function takes ids and paths (never sessions or documents), so Prefect tasks can
call them with serialisable arguments and in batches.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from remiss.domain.calendar import stockholm_today
from remiss.mail.settings import ImapSettings, SmtpSettings, smtp_configured
from remiss.services import launch as launch_service
from remiss.services import outbox, rounds
from remiss.services.annex import publish as annex_publish
from remiss.services.annex.publish import AnnexResult
from remiss.services.chase import extensions
from remiss.services.chase import reminders as chase_service
from remiss.services.context import RoundContext, load_context
from remiss.services.intake import collect as collect_service
from remiss.services.intake import inbox
from remiss.services.status import OrganisationStatus, round_status
from remiss.settings import Workspace
from remiss.store.database import Database, open_database
from remiss.store.schema import utcnow


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


def issue_many(
    workspace: Workspace, round_id: str, org_ids: list[str], *, deliver: bool | None = None
) -> list[launch_service.Issued]:
    """Issue templates to each organisation, one transaction each; requests are sent if SMTP is set."""
    ctx = context(workspace, round_id)
    deliver = smtp_configured() if deliver is None else deliver
    issued = []
    for org_id in org_ids:
        with database(workspace).session() as session:
            issued.append(launch_service.issue(session, workspace, ctx, org_id, deliver=deliver))
    with database(workspace).session() as session:
        launch_service.mark_launched(session, ctx)
    return issued


def launch(workspace: Workspace, round_id: str) -> list[launch_service.Issued]:
    return issue_many(workspace, round_id, pending_launch(workspace, round_id))


def collect_many(
    workspace: Workspace, round_id: str, paths: list[Path], now: dt.datetime | None = None
) -> list[collect_service.CollectResult]:
    """Collect files through the process's pool of bounded worker processes (reused across calls)."""
    ctx = context(workspace, round_id)
    return collect_service.collect_paths(database(workspace), workspace, ctx, paths, now)


def status(workspace: Workspace, round_id: str, today: dt.date | None = None) -> list[OrganisationStatus]:
    with database(workspace).session() as session:
        ctx = load_context(session, round_id)
        return round_status(session, ctx, today or stockholm_today())


def chase(
    workspace: Workspace, round_id: str, today: dt.date | None = None, *, deliver: bool | None = None
) -> list[chase_service.Reminder]:
    """Record the reminders the round's policy makes due today (nothing before launch)."""
    today = today or stockholm_today()
    deliver = smtp_configured() if deliver is None else deliver
    ctx = context(workspace, round_id)
    if not ctx.launched:
        return []
    with database(workspace).session() as session:
        launched_on = chase_service.launch_day(session, round_id, today)
    reminders = []
    for org_status in status(workspace, round_id, today):
        with database(workspace).session() as session:
            reminder = chase_service.remind(
                session, workspace, ctx, org_status, today, deliver=deliver, launched_on=launched_on
            )
        if reminder is not None:
            reminders.append(reminder)
    return reminders


def send_outbox(
    workspace: Workspace, settings: SmtpSettings | None, round_id: str | None = None
) -> outbox.DispatchReport:
    """Send what the outbox holds for delivery, and say what is not going out and why.

    Without SMTP settings nothing is sent (the .eml files stay); every unsent message is
    then listed with its reason, so "0 sent" never hides a waiting message.
    """
    db = database(workspace)
    report = outbox.DispatchReport() if settings is None else outbox.dispatch(db, settings, round_id=round_id)
    with db.session() as session:
        report.waiting = outbox.not_going_out(
            session,
            utcnow(),
            round_id=round_id,
            smtp_ready=settings is not None,
            skip=set(report.failed) | set(report.sent),
        )
    return report


def fetch_mail(
    workspace: Workspace, round_id: str, settings: ImapSettings, *, deliver: bool | None = None
) -> list[inbox.TakenMessage]:
    """Take the new messages in the functional mailbox and collect their attachments."""
    deliver = smtp_configured() if deliver is None else deliver
    return inbox.fetch_mail(
        database(workspace), workspace, context(workspace, round_id), settings, deliver=deliver
    )


def extend(workspace: Workspace, round_id: str, org_id: str, until: dt.date) -> extensions.Extension:
    with database(workspace).session() as session:
        return extensions.grant_extension(session, round_id, org_id, until)


def annex(
    workspace: Workspace,
    round_id: str,
    output: Path,
    *,
    final: bool = False,
    now: dt.datetime | None = None,
    by_measure: bool = False,
) -> Path:
    """Write the compiled annex; a draft is stamped 'Utkast', a final one records its versions."""
    return annex_publish.write_annex(workspace, round_id, output, final=final, now=now, by_measure=by_measure)


def publish_annex(workspace: Workspace, round_id: str, output: Path, **options: Any) -> AnnexResult:
    """The annex plus, as asked (pdf, xlsx, check, by_measure, final, now), what goes with it."""
    return annex_publish.publish_annex(workspace, round_id, output, **options)
