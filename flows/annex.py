"""assemble_annex / publish_annex: compile the bilaga from every organisation's current answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import work

from remiss.services.annex.publish import AnnexResult
from remiss.services.annex.publish import publish_annex as publish


@task(cache_policy=NO_CACHE)
def build(
    home: str | None,
    round_id: str,
    output: str,
    final: bool,
    now: dt.datetime | None,
    by: str | None = None,
    **options: bool,
) -> AnnexResult:
    return publish(work(home, round_id, now=now, by=by), Path(output), final=final, **options)


@flow(name="assemble-annex")
def assemble_annex(
    round_id: str, output: str, home: str | None = None, final: bool = False, now: dt.datetime | None = None
) -> str:
    """The annex alone; returns its path."""
    return build(home, round_id, output, final, now).annex


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
    by: str | None = None,
) -> AnnexResult:
    """The annex (per organisation or per åtgärd) and, as asked, its PDF, workbook and check;
    `by` names who asked in the audit log (the desk's user), else the system's user."""
    options = {"by_measure": by_measure, "pdf": pdf, "xlsx": xlsx, "check": check}
    return build(home, round_id, output, final, now, by, **options)
