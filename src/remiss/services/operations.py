"""The whole job as plain function calls: what the flows orchestrate and the benchmarks time.

Each step of the cycle that spans several transactions lives here, taking a `Work` (see
services/work.py), which flows and commands make from ids and paths with `open_work`.
Steps that are one service call are called directly (collect_paths, fetch_mail,
write_annex, publish_annex).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from remiss import progress
from remiss.mail.settings import SmtpSettings
from remiss.services import launch as launch_service
from remiss.services import links, outbox, review, rounds
from remiss.services.chase import extensions
from remiss.services.chase import reminders as chase_service
from remiss.services.status import OrganisationStatus, round_status
from remiss.services.work import Work
from remiss.settings import Workspace
from remiss.store.database import open_database
from remiss.store.schema import utcnow


def create_round(workspace: Workspace, path: Path) -> tuple[str, bool]:
    with open_database(workspace.database_url).session() as session:
        definition, created = rounds.create_round(session, path)
    return definition.id, created


def pending_launch(work: Work) -> list[str]:
    with work.db.session() as session:
        return launch_service.pending_organisations(session, work.round)


def issue_many(work: Work, org_ids: list[str]) -> list[launch_service.Issued]:
    """Issue templates to each organisation, one transaction each; requests are sent if `work.deliver`."""
    links.base_url()  # every request carries the nämnd's link: a setting that cannot make one stops all first
    issued = []
    for org_id in org_ids:
        with work.db.session() as session:
            issued.append(launch_service.issue(session, work, org_id))
        progress.advance("launch")
    with work.db.session() as session:
        launch_service.mark_launched(session, work.round, work.by)
    return issued


def launch(work: Work) -> list[launch_service.Issued]:
    return issue_many(work, pending_launch(work))


def status(work: Work) -> list[OrganisationStatus]:
    """Every recipient's status on `work.today`."""
    with work.db.session() as session:
        return round_status(session, work.round, work.today)


def chase(work: Work) -> list[chase_service.Reminder]:
    """Record the reminders the round's policy makes due `work.today` (nothing before launch)."""
    if not work.round.launched or work.round.closed:
        return []  # nothing is asked before launch, and nothing more once the round is closed
    with work.db.session() as session:
        launched_on = chase_service.launch_day(session, work.round_id, work.today)
    with work.db.session() as session:  # "Behöver kompletteras" counts as incomplete until a new file
        statuses = review.apply(
            round_status(session, work.round, work.today), review.reviews(session, work.round_id)
        )
    reminders = []
    for org_status in statuses:
        with work.db.session() as session:
            reminder = chase_service.remind(session, work, org_status, launched_on=launched_on)
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
    db = open_database(workspace.database_url)
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


def extend(work: Work, org_id: str, until: dt.date) -> extensions.Extension:
    """An extension (anstånd) for `org_id`, logged under `work.by`, warned about if `until` has passed."""
    with work.db.session() as session:
        return extensions.grant_extension(session, work, org_id, until)
