"""collect_responses: ingest returned files and folders (see remiss.services.intake.collect).

The files are spread over batches that run as concurrent tasks (see `_shared.task_runner`).
Files are stored as their batch reaches them, so when one run holds two versions from the
same organisation, which becomes current follows the order they are stored in; a file
collected in a later run always supersedes the earlier ones.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task, unmapped
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import spread, task_runner, work

from remiss import progress
from remiss.services.intake.collect import CollectResult, collect_paths, expand_paths


@task(cache_policy=NO_CACHE)
def collect_batch(
    home: str | None, round_id: str, paths: list[str], now: dt.datetime | None = None
) -> list[CollectResult]:
    return collect_paths(work(home, round_id, now=now), [Path(p) for p in paths])


@flow(name="collect-responses", task_runner=task_runner())
def collect_responses(
    round_id: str, paths: list[str], home: str | None = None, now: dt.datetime | None = None
) -> list[CollectResult]:
    """Collect every file under `paths` (files or folders) for round `round_id`.

    Args:
        round_id: Omgångens id, t.ex. sh-2016.
        paths: Filer och mappar med inkomna svar, som sökvägar arbetaren når (den delade mappen).
        home: Arbetsmapp; utelämnad: arbetarens REMISS_HOME.
        now: Mottagningstid att räkna med; utelämnad: nu.
    """
    files = [str(p) for p in expand_paths([Path(p) for p in paths])]
    progress.start("collect", len(files), "Läser in filer")
    futures = collect_batch.map(unmapped(home), unmapped(round_id), spread(files), unmapped(now))
    return [result for batch in futures.result() for result in batch]
