"""Benchmark remiss at city and national scale: `python benchmarks/run.py [--sizes 30,300,1000] [--json]`.

For every size N it generates a synthetic round (N organisations, M åtgärder, each
organisation answering 10–40), and measures, each step in a fresh process (see steps.py):

  plain calls  launch (Word + Excel template and request e-mail per organisation), collect
               (every returned pair: safety checks, identification, extraction, storage,
               receipts), annex (the full compiled bilaga) — `remiss.services.operations`;
  flows        the same three as Prefect flows in one process, after a trivial flow that
               starts the ephemeral API (reported on its own line);
  baselines    a straightforward python-docx/openpyxl template builder, and an annex made
               by appending every returned document with docxcompose.

The plain and flow pipelines run in workspaces of their own, both starting from a copy of
the same freshly created round, so they answer the same returned files. On a machine that
other work shares, `--repeat R` runs both pipelines R times and keeps each step's fastest
run; every step also reports its CPU seconds, which other work disturbs far less. Prints a table per
N (Markdown) and, with --json, the figures as JSON on stdout (the tables then go to stderr).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STEP_TIMEOUT_S = 3 * 3600
sys.path.insert(0, str(HERE))
import report  # noqa: E402
import synthetic  # noqa: E402


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal")),
        0,
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _env(prefect_home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REMISS_HOME", "REMISS_DATABASE_URL", "PREFECT_API_URL")
    }
    env |= {
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")  # a busy 2-core machine
    return env


def step(name: str, env: dict[str, str], **cfg: Any) -> dict[str, Any]:
    """Run one step in a fresh process and return what it measured."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        result = Path(handle.name)
    command = [
        sys.executable,
        str(HERE / "steps.py"),
        name,
        json.dumps({k: str(v) for k, v in cfg.items()}),
        str(result),
    ]
    # A session of its own, so that on a timeout the whole group (Prefect's API server too) is stopped.
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        _out, err = process.communicate(timeout=STEP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise SystemExit(f"benchmark step {name} took more than {STEP_TIMEOUT_S} s and was stopped") from None
    try:
        if process.returncode != 0:
            raise SystemExit(f"benchmark step {name} failed ({process.returncode}):\n{err[-4000:]}")
        return json.loads(result.read_text())
    finally:
        result.unlink(missing_ok=True)


def copy_store(source: Path, target: Path) -> None:
    """A consistent copy of the SQLite store (WAL included) into a fresh workspace."""
    target.mkdir(parents=True)
    with sqlite3.connect(source / "remiss.db") as src, sqlite3.connect(target / "remiss.db") as dst:
        src.backup(dst)


def run_size(
    n: int, measures: int, root: Path, env: dict[str, str], options: argparse.Namespace, log: Any
) -> dict[str, Any]:
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    round_file = synthetic.write_round(root / "definition", n, measures)
    seed, returns = root / "seed", root / "returns" / "inkommet"
    created = step("create", env, home=seed, round=round_file)
    log(f"N={n}: round created in {created['seconds']:.1f} s")
    steps: dict[str, dict[str, Any]] = {s: {} for s in report.STEPS}
    filled: dict[str, Any] = {}
    flow_steps: dict[str, Any] = {}
    for repetition in range(options.repeat):
        plain, flows = root / f"plain-{repetition}", root / f"flows-{repetition}"
        copy_store(seed, plain)
        copy_store(seed, flows)
        measured = {"launch": step("launch", env, home=plain)}
        if not filled:  # the returns are filled once, from the first launch's templates
            filled = step("fill", env, home=plain, returns=returns)
        measured["collect"] = step("collect", env, home=plain, returns=returns)
        measured["annex"] = step("annex", env, home=plain, output=root / "bilaga.docx")
        log(f"N={n}: plain calls " + ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in measured.items()))
        flown = step("flows", env, home=flows, returns=returns, output=root / "bilaga-flows.docx")
        log(f"N={n}: flows " + ", ".join(f"{k} {flown[k]['seconds']:.1f} s" for k in report.STEPS))
        for name in report.STEPS:  # the fastest of the repetitions: the least disturbed by other work
            for pipeline, result in (("plain", measured[name]), ("flows", flown[name])):
                best = steps[name].get(pipeline)
                if best is None or result["seconds"] < best["seconds"]:
                    steps[name][pipeline] = result
        if not flow_steps or flown["startup"]["seconds"] < flow_steps["startup"]["seconds"]:
            flow_steps = flown
        if repetition:
            shutil.rmtree(plain)
            shutil.rmtree(flows)
    annexes = {"remiss": root / "bilaga.docx", "flows": root / "bilaga-flows.docx"}
    if not options.skip_baselines:
        log(f"N={n}: baselines")
        steps["launch"]["baseline"] = step("baseline-launch", env, home=seed, folder=root / "naive")
        steps["annex"]["baseline"] = step(
            "baseline-annex", env, home=seed, returns=returns, output=root / "bilaga-docxcompose.docx"
        )
        annexes["docxcompose"] = root / "bilaga-docxcompose.docx"
    expected = json.loads((returns.parent / "expected.json").read_text("utf-8"))
    size = {
        "organisations": n,
        "measures": measures,
        "assignments": _assignments(round_file),
        "files": 2 * len(expected),
        "steps": steps,
        "repetitions": options.repeat,
        "startup": flow_steps["startup"],
        "setup_seconds": {"create": created["seconds"], "fill": filled["seconds"]},
        "content": report.content_check(returns.parent / "expected.json", annexes),
    }
    size["summary"] = report.summarise(size)
    size["total_seconds"] = round(time.perf_counter() - started, 1)
    size["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]  # other work on the machine
    return size


def _assignments(round_file: Path) -> int:
    text = round_file.read_text("utf-8")
    return sum(
        line.count("org-") for line in text.splitlines() if "ansvarig:" in line or "delansvar:" in line
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="30,300,1000", help="organisations per round, comma-separated")
    parser.add_argument("--measures", type=int, default=120, help="åtgärder in the round (default 120)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    parser.add_argument(
        "--skip-baselines", action="store_true", help="do not run the python-docx/docxcompose baselines"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the plain calls and flows this many times; the fastest counts",
    )
    parser.add_argument("--keep", type=Path, help="keep the generated workspaces and files in this folder")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    out = sys.stderr if args.json else sys.stdout

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    work = args.keep or Path(tempfile.mkdtemp(prefix="remiss-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    env = _env(work / "prefect")
    results: dict[str, Any] = {"machine": machine(), "sizes": []}
    try:
        for n in sizes:
            root = work / f"n{n}"
            if root.exists():
                shutil.rmtree(root)
            results["sizes"].append(run_size(n, args.measures, root, env, args, log))
            print(report.table(results["sizes"][-1]) + "\n", file=out, flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    m = results["machine"]
    print(f"Machine: {m['cpus']} × {m['cpu']}, {m['ram_gb']} GB RAM, Python {m['python']}", file=out)
    if args.json:
        json.dump(results, sys.stdout, indent=2, ensure_ascii=False)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
