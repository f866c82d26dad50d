"""launch_round: issue every pending recipient its Word and Excel templates and request e-mail."""

from __future__ import annotations

from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import spread, task_runner, work
from remiss_flows.mail import send_outbox

from remiss import progress
from remiss.services import operations
from remiss.services.launch import Issued


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def issue_batch(home: str | None, round_id: str, org_ids: list[str], by: str | None = None) -> list[Issued]:
    return operations.issue_many(work(home, round_id, by=by), org_ids)


@flow(name="launch-round", task_runner=task_runner())
def launch_round(round_id: str, home: str | None = None, by: str | None = None) -> list[Issued]:
    """Idempotent: organisations already issued are skipped, so a rerun issues nothing twice.

    Organisations are issued in concurrent batches, each in its own transaction.

    Args:
        round_id: Omgångens id, t.ex. sh-2016.
        home: Arbetsmapp; utelämnad: arbetarens REMISS_HOME.
        by: Vem som skickar ut, för loggen (skrivbordets inloggade); utelämnad: användaren i systemet.
    """
    pending = operations.pending_launch(work(home, round_id, by=by))
    progress.start("launch", len(pending), "Skickar ut mallar")
    futures = issue_batch.map(unmapped(home), unmapped(round_id), spread(pending), unmapped(by))
    issued = [issued for batch in futures.result() for issued in batch]
    send_outbox(home, round_id)  # the requests, when SMTP is configured; else the .eml files are all
    return issued
