"""demo_cycle: the whole remiss cycle on the bundled Stockholm round, in one fresh workspace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from remiss_flows._shared import workspace
from remiss_flows.annex import assemble_annex
from remiss_flows.chase import chase_missing
from remiss_flows.collect import collect_batch
from remiss_flows.launch import launch_round

from remiss import progress, resources
from remiss.demo.simulate import Arrival, simulate_returns
from remiss.services import operations


@task(cache_policy=NO_CACHE)
def simulate(home: str, round_id: str) -> list[Arrival]:
    ws = workspace(home)
    return simulate_returns(ws, operations.context(ws, round_id))


@flow(name="remiss-demo")
def demo_cycle(home: str) -> dict[str, object]:
    ws = workspace(home)
    round_id, _ = operations.create_round(ws, resources.bundled_round())
    issued = launch_round(round_id, home)
    collected: list[dict[str, object]] = []
    arrivals = simulate(home, round_id)
    progress.start("collect", sum(len(a.files) for a in arrivals), "Läser in svaren")
    for arrival in arrivals:
        collected += collect_batch(home, round_id, [str(p) for p in arrival.files], arrival.at)
    deadline = operations.context(ws, round_id).definition.deadline
    after_deadline = deadline + dt.timedelta(days=1)
    reminders = chase_missing(round_id, home, after_deadline)
    annex = assemble_annex(
        round_id,
        str(Path(home) / f"bilaga-{round_id}.docx"),
        home,
        final=True,
        now=dt.datetime.combine(after_deadline, dt.time(12, 0)),
    )
    return {
        "workspace": home,
        "round": round_id,
        "issued": len(issued),
        "collected": collected,
        "reminders": reminders,
        "status": [s.as_dict() for s in operations.status(ws, round_id, after_deadline)],
        "annex": annex,
    }
