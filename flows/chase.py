"""chase_missing: remind every organisation that is missing or incomplete, once a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import workspace

from remiss.services import operations


@task(cache_policy=NO_CACHE)
def write_reminders(home: str | None, round_id: str, today: dt.date) -> list[dict[str, object]]:
    return [asdict(r) for r in operations.chase(workspace(home), round_id, today)]


@flow(name="chase-missing")
def chase_missing(
    round_id: str, home: str | None = None, today: dt.date | None = None
) -> list[dict[str, object]]:
    return write_reminders(home, round_id, today or dt.date.today())
