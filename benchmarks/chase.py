"""How long `chase` takes, and that it costs the same any day: `python benchmarks/chase.py [--sizes 31,1000]`.

For each size it launches a round (the bundled Stockholm round for 31, a synthetic one
otherwise, deadline in April), then times the plain `operations.chase` call in fresh
workspaces copied from the launched one: the day after the deadline (the baseline: one
slot to find) and ten years after it (every slot since the deadline used to be walked
again per organisation). Each chase writes one reminder per organisation. Goals: under
1 s for 31 organisations and under 10 s for 1,000, at any date; the ratio late/early
stays near 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synthetic  # noqa: E402

from remiss import resources  # noqa: E402
from remiss.services import operations  # noqa: E402
from remiss.services.work import open_work  # noqa: E402
from remiss.settings import Workspace  # noqa: E402

LATER = 3653  # days: ten years after the deadline


def _workspace(home: Path) -> Workspace:
    return Workspace(home=home, database_url=f"sqlite:///{home / 'remiss.db'}")


def launched(folder: Path, size: int) -> tuple[Path, str]:
    """A workspace with the round of `size` organisations created and launched."""
    home = folder / "launched"
    home.mkdir(parents=True)
    round_file = resources.bundled_round() if size == 31 else synthetic.write_round(folder / "def", size, 40)
    ws = _workspace(home)
    round_id, _ = operations.create_round(ws, round_file)
    operations.launch(open_work(ws, round_id))
    return home, round_id


def timed_chase(source: Path, target: Path, round_id: str, day: dt.date) -> dict[str, Any]:
    shutil.copytree(source, target)
    work = open_work(_workspace(target), round_id, today=day)  # opening the store is not the chase
    start, cpu = time.perf_counter(), time.process_time()
    reminders = operations.chase(work)
    return {
        "day": day.isoformat(),
        "seconds": round(time.perf_counter() - start, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "reminders": len(reminders),
    }


def run_size(folder: Path, size: int) -> dict[str, Any]:
    home, round_id = launched(folder, size)
    deadline = open_work(_workspace(home), round_id).round.definition.deadline
    early = timed_chase(home, folder / "early", round_id, deadline + dt.timedelta(days=1))
    late = timed_chase(home, folder / "late", round_id, deadline + dt.timedelta(days=LATER))
    return {
        "organisations": size,
        "deadline": deadline.isoformat(),
        "day_after": early,
        "ten_years_after": late,
        "late_over_early": round(late["seconds"] / early["seconds"], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="31,1000", help="organisations per round, comma-separated")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="remiss-chase-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            results.append(run_size(Path(tmp) / str(size), size))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print("| organisations | day after deadline s | cpu s | ten years after s | cpu s | late/early |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        e, late = r["day_after"], r["ten_years_after"]
        print(
            f"| {r['organisations']:,} | {e['seconds']:.2f} | {e['cpu_s']:.2f} | "
            f"{late['seconds']:.2f} | {late['cpu_s']:.2f} | {r['late_over_early']:.2f}× |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
