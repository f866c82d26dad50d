"""collect_responses: ingest returned files and folders, one transaction per file."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import batches, workspace

from remiss.services import operations
from remiss.services.collect import expand_paths


@task(cache_policy=NO_CACHE)
def collect_batch(
    home: str | None, round_id: str, paths: list[str], now: dt.datetime | None = None
) -> list[dict[str, object]]:
    results = operations.collect_many(workspace(home), round_id, [Path(p) for p in paths], now)
    return [asdict(r) for r in results]


@flow(name="collect-responses")
def collect_responses(
    round_id: str, paths: list[str], home: str | None = None, now: dt.datetime | None = None
) -> list[dict[str, object]]:
    files = [str(p) for p in expand_paths([Path(p) for p in paths])]
    results: list[dict[str, object]] = []
    for batch in batches(files):
        results += collect_batch(home, round_id, batch, now)
    return results
