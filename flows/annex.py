"""assemble_annex: compile the bilaga from every organisation's current answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import workspace

from remiss.services import operations


@task(cache_policy=NO_CACHE)
def build(home: str | None, round_id: str, output: str, final: bool, now: dt.datetime | None) -> str:
    return str(operations.annex(workspace(home), round_id, Path(output), final=final, now=now))


@flow(name="assemble-annex")
def assemble_annex(
    round_id: str, output: str, home: str | None = None, final: bool = False, now: dt.datetime | None = None
) -> str:
    return build(home, round_id, output, final, now)
