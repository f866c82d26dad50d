"""Extraction and annex alone: `python benchmarks/fidelity_read.py --baseline REV`.

collect's wall time on a shared machine swings with other work; this times just the parts
the fidelity work changed — reading every returned Word file of a synthetic round
(`read_response_docx`), and building the annex from the same stored answers (the annex
step of benchmarks/steps.py) — in a process per revision and pass, in CPU seconds, the
fastest of `--repeat` passes, both revisions taking turns. Prints the ratios this revision /
baseline.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import fidelity_cost  # noqa: E402
import run  # noqa: E402
import synthetic  # noqa: E402

# Run inside each revision's tree: read every returned .docx, `passes` times, print the best CPU s.
_READ = """
import json, sys, time
from pathlib import Path
from remiss.settings import Workspace
from remiss.services.work import open_work
from remiss.documents.word.reader import read_response_docx
home, returns, passes = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
ws = Workspace(home=home, database_url=f"sqlite:///{home / 'remiss.db'}")
ctx = open_work(ws, "bench").round
files = [(p.read_bytes(), p.name, p.parent.name) for p in sorted(returns.rglob("*.docx"))]
by_name = {org: ctx.assignments(org) for org in ctx.recipient_ids}
jobs = [(data, name, next(org for org in by_name if org in name)) for data, name, _ in files]
best = None
for _ in range(passes):
    start = time.process_time()
    for data, name, org in jobs:
        read_response_docx(data, name, ctx.definition, by_name[org])
    spent = time.process_time() - start
    best = spent if best is None else min(best, spent)
print(json.dumps({"files": len(jobs), "cpu_s": round(best, 3)}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--baseline", required=True)
    parser.add_argument("--ours", default="HEAD")
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--measures", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="remiss-fidelity-read-") as tmp:
        root = Path(tmp)
        env = run._env(root / "prefect")
        trees = {
            "baseline": fidelity_cost.export(args.baseline, root / "baseline"),
            "ours": fidelity_cost.export(args.ours, root / "ours"),
        }
        round_file = synthetic.write_round(root / "definition", args.size, args.measures)
        home, returns = root / "home", root / "returns" / "inkommet"
        fidelity_cost.step(trees["baseline"], "create", env, home=home, round=round_file)
        fidelity_cost.step(trees["baseline"], "launch", env, home=home)
        fidelity_cost.step(trees["baseline"], "fill", env, home=home, returns=returns)
        fidelity_cost.step(trees["baseline"], "collect", env, home=home, returns=returns)
        best: dict[str, float] = {}
        annex: dict[str, float] = {}
        for _ in range(args.repeat):
            for name, tree in trees.items():
                done = subprocess.run(
                    [sys.executable, "-c", _READ, str(home), str(returns), "1"],
                    env=env | {"PYTHONPATH": str(tree / "src")},
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    raise SystemExit(f"{name}: reading failed:\n{done.stderr[-3000:]}")
                result = json.loads(done.stdout)
                best[name] = min(best.get(name, result["cpu_s"]), result["cpu_s"])
                built = fidelity_cost.step(tree, "annex", env, home=home, output=root / f"bilaga-{name}.docx")
                annex[name] = min(annex.get(name, built["cpu_s"]), built["cpu_s"])
                print(f"{name}: read {result}, annex cpu {built['cpu_s']} s", file=sys.stderr, flush=True)
    summary = {"size": args.size, "files": result["files"], "read_cpu_s": best, "annex_cpu_s": annex}
    ratios = {
        "read": round(best["ours"] / best["baseline"], 3),
        "annex": round(annex["ours"] / annex["baseline"], 3),
    }
    print(json.dumps(summary | {"ratios": ratios}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
