"""chase_missing: remind whoever the round's policy says is due today, send, and show the status.

One run: record the reminders due today (idempotent: a slot is answered once), send what
the outbox holds if SMTP is configured, and publish the round's status as a table
artifact (key `status-<round>`), so the Prefect UI shows the round at a glance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import work
from remiss_flows.mail import send_outbox

from remiss.domain.calendar import stockholm_today
from remiss.services import operations
from remiss.services.chase.reminders import Reminder
from remiss.services.chase.tracking import summary_rows
from remiss.services.status import count_line


@task(cache_policy=NO_CACHE)
def write_reminders(home: str | None, round_id: str, today: dt.date, by: str | None = None) -> list[Reminder]:
    return operations.chase(work(home, round_id, today=today, by=by))


@task(cache_policy=NO_CACHE)
def publish_status(home: str | None, round_id: str, today: dt.date) -> str:
    rows = operations.status(work(home, round_id, today=today))
    artifact = create_table_artifact(
        key=f"status-{round_id}",
        table=summary_rows(rows),
        description=f"Status för {round_id} den {today.isoformat()}: {count_line(rows)}",
    )
    return str(artifact)


@flow(name="chase-missing")
def chase_missing(
    round_id: str, home: str | None = None, today: dt.date | None = None, by: str | None = None
) -> list[Reminder]:
    today = today or stockholm_today()
    reminders = write_reminders(home, round_id, today, by)
    delivered = set(send_outbox(home).sent)
    publish_status(home, round_id, today)
    return [replace(r, sent=r.key in delivered) for r in reminders]  # sent over SMTP in this run
