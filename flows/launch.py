"""launch_round: issue every pending recipient its Word and Excel templates and request e-mail."""

from __future__ import annotations

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import batches, workspace

from remiss.services import operations


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def issue_batch(home: str | None, round_id: str, org_ids: list[str]) -> list[dict[str, str]]:
    issued = operations.issue_many(workspace(home), round_id, org_ids)
    return [
        {"organisation": i.organisation, "docx": str(i.docx), "xlsx": str(i.xlsx), "eml": str(i.eml)}
        for i in issued
    ]


@flow(name="launch-round")
def launch_round(round_id: str, home: str | None = None) -> list[dict[str, str]]:
    """Idempotent: organisations already issued are skipped, so a rerun issues nothing twice."""
    pending = operations.pending_launch(workspace(home), round_id)
    issued: list[dict[str, str]] = []
    for batch in batches(pending):
        issued += issue_batch(home, round_id, batch)
    return issued
