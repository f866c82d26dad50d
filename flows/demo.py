"""demo_cycle: the whole remiss cycle on the bundled Stockholm round, in one fresh workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import work, workspace
from remiss_flows.annex import assemble_annex
from remiss_flows.chase import chase_missing
from remiss_flows.collect import collect_batch
from remiss_flows.launch import launch_round

from remiss import progress, resources
from remiss.demo.simulate import Arrival, DemoRun, simulate_returns
from remiss.services import operations
from remiss.services.intake.received import CollectResult


@task(cache_policy=NO_CACHE)
def simulate(home: str, round_id: str) -> list[Arrival]:
    run = work(home, round_id)
    return simulate_returns(run.workspace, run.round)


@flow(name="remiss-demo")
def demo_cycle(home: str) -> DemoRun:
    round_id, _ = operations.create_round(workspace(home), resources.bundled_round())
    issued = launch_round(round_id, home)
    collected: list[CollectResult] = []
    arrivals = simulate(home, round_id)
    progress.start("collect", sum(len(a.files) for a in arrivals), "Läser in svaren")
    for arrival in arrivals:
        collected += collect_batch(home, round_id, [str(p) for p in arrival.files], arrival.at)
    after_deadline = work(home, round_id).round.definition.deadline + dt.timedelta(days=1)
    reminders = chase_missing(round_id, home, after_deadline)
    annex = assemble_annex(
        round_id,
        str(Path(home) / f"bilaga-{round_id}.docx"),
        home,
        final=True,
        now=dt.datetime.combine(after_deadline, dt.time(12, 0)),
    )
    status = operations.status(work(home, round_id, today=after_deadline))
    return DemoRun(home, round_id, len(issued), collected, reminders, status, annex)
