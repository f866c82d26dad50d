"""assemble_annex / publish_annex: compile the bilaga from every organisation's current answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import workspace

from remiss.services import operations


@task(cache_policy=NO_CACHE)
def build(
    home: str | None, round_id: str, output: str, final: bool, now: dt.datetime | None, **options: bool
) -> dict[str, object]:
    ws = workspace(home)
    return operations.publish_annex(ws, round_id, Path(output), final=final, now=now, **options).as_dict()


@flow(name="assemble-annex")
def assemble_annex(
    round_id: str, output: str, home: str | None = None, final: bool = False, now: dt.datetime | None = None
) -> str:
    """The annex alone; returns its path."""
    return str(build(home, round_id, output, final, now)["annex"])


@flow(name="publish-annex")
def publish_annex(
    round_id: str,
    output: str,
    home: str | None = None,
    final: bool = False,
    now: dt.datetime | None = None,
    by_measure: bool = False,
    pdf: bool = False,
    xlsx: bool = False,
    check: bool = False,
) -> dict[str, object]:
    """The annex (per organisation or per åtgärd) and, as asked, its PDF, workbook and check."""
    return build(home, round_id, output, final, now, by_measure=by_measure, pdf=pdf, xlsx=xlsx, check=check)
