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
    """The revision's tree (src, config, templates, benchmarks), with config/ and templates/
    where the installed package has them; returns its root."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", revision, "src", "config", "templates", "benchmarks"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    bundled = target / "src" / "remiss" / "bundled"
    bundled.mkdir(exist_ok=True)
    for name in ("config", "templates"):
        (bundled / name).symlink_to(target / name)
    return target


def step(tree: Path, name: str, env: dict[str, str], **cfg: object) -> dict:
    """One step of the tree's own benchmarks/steps.py, in a fresh process running the tree's code."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    command = [sys.executable, str(tree / "benchmarks" / "steps.py"), name]
    command += [json.dumps({k: str(v) for k, v in cfg.items()}), str(result)]
    done = subprocess.run(
        command, env=env | {"PYTHONPATH": str(tree / "src")}, capture_output=True, text=True
    )
    try:
        if done.returncode != 0:
            raise SystemExit(f"{tree.name}: benchmark step {name} failed:\n{done.stderr[-4000:]}")
        return json.loads(result.read_text())
    finally:
        result.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--baseline", required=True, help="the git revision to compare with")
    parser.add_argument("--ours", default="HEAD", help="the git revision measured (default HEAD)")
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--measures", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="remiss-fidelity-bench-") as tmp:
        root = Path(tmp)
        env = run._env(root / "prefect")
        trees = {
            "baseline": export(args.baseline, root / "baseline"),
            "ours": export(args.ours, root / "ours"),
        }
        round_file = synthetic.write_round(root / "definition", args.size, args.measures)
        seed, returns = root / "seed", root / "returns" / "inkommet"
        step(trees["baseline"], "create", env, home=seed, round=round_file)
        best: dict[str, dict[str, dict[str, float]]] = {"ours": {}, "baseline": {}}
        for repetition in range(args.repeat):
            for name, tree in trees.items():
                home = root / f"{name}-{repetition}"
                run.copy_store(seed, home)
                step(tree, "launch", env, home=home)
                if not returns.exists():
                    step(tree, "fill", env, home=home, returns=returns)
                for name_of_step in ("collect", "annex"):
                    result = step(
                        tree, name_of_step, env, home=home, returns=returns, output=home / "bilaga.docx"
                    )
                    cpu = result.get("cpu_s", 0.0) + result.get("workers_cpu_s", 0.0)
                    kept = best[name].get(name_of_step)
                    if kept is None or result["seconds"] < kept["seconds"]:
                        best[name][name_of_step] = {
                            "seconds": round(result["seconds"], 2),
                            "cpu_s": round(cpu, 2),
                        }
                print(f"{name} #{repetition + 1}: {json.dumps(best[name])}", file=sys.stderr, flush=True)
    ratios = {
        name_of_step: {
            unit: round(best["ours"][name_of_step][unit] / best["baseline"][name_of_step][unit], 3)
            for unit in ("seconds", "cpu_s")
            if best["baseline"][name_of_step][unit]
        }
        for name_of_step in ("collect", "annex")
    }
    revisions = {"baseline": args.baseline, "ours": args.ours}
    summary = {"size": args.size, "revisions": revisions, "best": best, "ratios": ratios}
    print(json.dumps(summary | {"load": os.getloadavg()[0]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
