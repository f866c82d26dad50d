"""One measured step of the benchmark, run in a fresh process: `python steps.py STEP CONFIG RESULT`.

A process of its own gives every step its own peak memory (`ru_maxrss` of the process, and
of its waited-for children such as collect's parsing workers) and keeps docxcompose's
namespace rebinding away from remiss's own Word writer. The timed call excludes interpreter
start-up and imports; it includes everything the call does (database, files, e-mails).
The result (wall and CPU seconds, peak MB, counts) is written as JSON to RESULT.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from remiss.services import operations
from remiss.services.annex.publish import write_annex, write_workbook
from remiss.services.intake.collect import collect_paths, expand_paths
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

ROUND_ID = synthetic.ROUND_ID


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # kB on Linux


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Wall seconds of the call; its CPU seconds are kept in LAST_CPU (the machine may be shared)."""
    start, cpu = time.perf_counter(), _cpu()
    result = call()
    LAST_CPU[0] = round(_cpu() - cpu, 2)
    return time.perf_counter() - start, result


LAST_CPU = [0.0]


def _workspace(cfg: dict[str, str]) -> Workspace:
    home = Path(cfg["home"])
    return Workspace(home=home, database_url=f"sqlite:///{home / 'remiss.db'}")


def create(cfg: dict[str, str]) -> dict[str, Any]:
    seconds, (round_id, _created) = _timed(
        lambda: operations.create_round(_workspace(cfg), Path(cfg["round"]))
    )
    return {"seconds": seconds, "round": round_id}


def launch(cfg: dict[str, str]) -> dict[str, Any]:
    work = open_work(_workspace(cfg), ROUND_ID)  # connecting and reading the round is not the launch
    seconds, issued = _timed(lambda: operations.launch(work))
    return {"seconds": seconds, "cpu_s": LAST_CPU[0], "peak_mb": _peak_mb(), "count": len(issued)}


def fill(cfg: dict[str, str]) -> dict[str, Any]:
    ws = _workspace(cfg)
    ctx = open_work(ws, ROUND_ID).round
    seconds, _manifest = _timed(lambda: synthetic.fill_returns(ws, ctx, Path(cfg["returns"])))
    return {"seconds": seconds, "count": len(ctx.recipient_ids)}


def collect(cfg: dict[str, str]) -> dict[str, Any]:
    from multiprocessing import forkserver

    from remiss.services.intake.pool import shared_pool

    work = open_work(_workspace(cfg), ROUND_ID)
    paths = expand_paths([Path(cfg["returns"])])
    seconds, results = _timed(lambda: collect_paths(work, paths))
    cpu = LAST_CPU[0]
    shared_pool().close()  # join the parsing workers, which the fork server reaps,
    forkserver._forkserver._stop()  # then the fork server, so that all of them show in RUSAGE_CHILDREN
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "workers_cpu_s": round(_cpu(resource.RUSAGE_CHILDREN), 2),
        "peak_mb": _peak_mb(),
        "workers_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "count": len(results),
        "outcomes": dict(Counter(r.outcome for r in results)),
    }


def annex(cfg: dict[str, str]) -> dict[str, Any]:
    work = open_work(_workspace(cfg), ROUND_ID)
    seconds, path = _timed(lambda: write_annex(work, Path(cfg["output"])))
    cpu = LAST_CPU[0]
    # the compiled workbook published beside it (`--xlsx`, the desk's annex), timed on its own
    workbook, _ = _timed(lambda: write_workbook(work, Path(cfg["output"]).with_suffix(".xlsx")))
    return {
        "seconds": seconds,
        "cpu_s": cpu,
        "peak_mb": _peak_mb(),
        "bytes": path.stat().st_size,
        "workbook_seconds": round(workbook, 3),
    }


def flows(cfg: dict[str, str]) -> dict[str, Any]:
    """API start-up (a trivial flow), then the three flows, timed one by one in this process.

    Peak memory here is the process's high-water mark after each flow (Prefect client
    included; the ephemeral API server is a separate process, not counted).
    """
    from prefect import flow
    from remiss_flows.annex import assemble_annex
    from remiss_flows.collect import collect_responses
    from remiss_flows.launch import launch_round

    @flow(name="benchmark-warm-up")
    def warm_up() -> int:
        return 1

    home = cfg["home"]
    open_database(_workspace(cfg).database_url)
    startup, _ = _timed(warm_up)
    steps: dict[str, Any] = {"startup": {"seconds": startup, "peak_mb": _peak_mb()}}
    seconds, issued = _timed(lambda: launch_round(ROUND_ID, home))
    steps["launch"] = {"seconds": seconds, "cpu_s": LAST_CPU[0], "peak_mb": _peak_mb(), "count": len(issued)}
    seconds, results = _timed(lambda: collect_responses(ROUND_ID, [cfg["returns"]], home))
    outcomes = dict(Counter(str(r.outcome) for r in results))
    steps["collect"] = {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "count": len(results),
        "outcomes": outcomes,
    }
    seconds, output = _timed(lambda: assemble_annex(ROUND_ID, cfg["output"], home))
    steps["annex"] = {
        "seconds": seconds,
        "cpu_s": LAST_CPU[0],
        "peak_mb": _peak_mb(),
        "bytes": Path(output).stat().st_size,
    }
    return steps


def baseline_launch(cfg: dict[str, str]) -> dict[str, Any]:
    import baselines

    ctx = open_work(_workspace(cfg), ROUND_ID).round
    seconds, count = _timed(lambda: baselines.naive_templates(ctx, Path(cfg["folder"])))
    return {"seconds": seconds, "cpu_s": LAST_CPU[0], "peak_mb": _peak_mb(), "count": count}


def baseline_annex(cfg: dict[str, str]) -> dict[str, Any]:
    import baselines

    ctx = open_work(_workspace(cfg), ROUND_ID).round
    returned = {
        p.name.removeprefix("Svar ").removesuffix(".docx"): p for p in Path(cfg["returns"]).glob("*.docx")
    }
    seconds, count = _timed(lambda: baselines.docxcompose_annex(ctx, returned, Path(cfg["output"])))
    return {
        "seconds": seconds,
        "cpu_s": LAST_CPU[0],
        "peak_mb": _peak_mb(),
        "count": count,
        "bytes": Path(cfg["output"]).stat().st_size,
    }


STEPS: dict[str, Callable[[dict[str, str]], dict[str, Any]]] = {
    "create": create,
    "launch": launch,
    "fill": fill,
    "collect": collect,
    "annex": annex,
    "flows": flows,
    "baseline-launch": baseline_launch,
    "baseline-annex": baseline_annex,
}

if __name__ == "__main__":
    step, config, result = sys.argv[1:4]
    outcome = STEPS[step](json.loads(config))
    Path(result).write_text(json.dumps(outcome), encoding="utf-8")
