"""What reading answers exactly as written costs: `python benchmarks/fidelity_cost.py --baseline REV`.

Collect and annex at N organisations (default 300) with this tree's code and with the code
of git revision REV (e.g. the commit before the fidelity work, exported with `git archive`
next to its own config and templates), on the same
synthetic round and the same returned files (benchmarks/synthetic.py), each step in a fresh
process (benchmarks/steps.py). The two pipelines take turns `--repeat` times and each keeps
its fastest run, since other work on a shared machine only ever slows a run down; CPU
seconds (the parsing workers' included) are reported too. Prints the ratios this tree /
baseline for collect and annex.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402
import synthetic  # noqa: E402


def export(revision: str, target: Path) -> Path:
    """The revision's src folder, with config/ and templates/ where the installed package has them."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", revision, "src", "config", "templates"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    bundled = target / "src" / "remiss" / "bundled"
    bundled.mkdir(exist_ok=True)
    for name in ("config", "templates"):
        (bundled / name).symlink_to(target / name)
    return target / "src"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--baseline", required=True, help="the git revision to compare with")
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--measures", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="remiss-fidelity-bench-") as tmp:
        root = Path(tmp)
        env = run._env(root / "prefect")
        ours = dict(env)
        baseline = env | {"PYTHONPATH": str(export(args.baseline, root / "baseline"))}
        round_file = synthetic.write_round(root / "definition", args.size, args.measures)
        seed, returns = root / "seed", root / "returns" / "inkommet"
        run.step("create", env, home=seed, round=round_file)
        best: dict[str, dict[str, dict[str, float]]] = {"ours": {}, "baseline": {}}
        for repetition in range(args.repeat):
            for name, pipeline_env in (("baseline", baseline), ("ours", ours)):
                home = root / f"{name}-{repetition}"
                run.copy_store(seed, home)
                run.step("launch", pipeline_env, home=home)
                if not returns.exists():
                    run.step("fill", pipeline_env, home=home, returns=returns)
                for step in ("collect", "annex"):
                    result = run.step(
                        step, pipeline_env, home=home, returns=returns, output=home / "bilaga.docx"
                    )
                    cpu = result.get("cpu_s", 0.0) + result.get("workers_cpu_s", 0.0)
                    kept = best[name].get(step)
                    if kept is None or result["seconds"] < kept["seconds"]:
                        best[name][step] = {"seconds": round(result["seconds"], 2), "cpu_s": round(cpu, 2)}
                print(f"{name} #{repetition + 1}: {json.dumps(best[name])}", file=sys.stderr, flush=True)
    ratios = {
        step: {
            unit: round(best["ours"][step][unit] / best["baseline"][step][unit], 3)
            for unit in ("seconds", "cpu_s")
            if best["baseline"][step][unit]
        }
        for step in ("collect", "annex")
    }
    print(
        json.dumps({"size": args.size, "best": best, "ratios": ratios, "load": os.getloadavg()[0]}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
