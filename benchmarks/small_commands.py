"""What a small command costs against the plain call it makes: `python benchmarks/small_commands.py`.

A small command is one a coordinator types many times a day: collect one returned file,
launch a round for one organisation, chase, show the status. Each is measured three ways,
every run in a fresh copy of the same prepared workspace and in a fresh process:

  plain     `python -c` calling `remiss.services.operations` (interpreter start-up and
            imports included, as for the command);
  cold      the `remiss` command with no `remiss serve` running: small work (up to
            REMISS_SMALL_WORK files or organisations) runs as plain service calls, the rest
            as a flow on Prefect's ephemeral API, started by the command itself;
  flow      the same with REMISS_SMALL_WORK=0: every command runs its flow (the cost
            that small work no longer pays without serve);
  served    the `remiss` command while `remiss serve` runs for the workspace.

CPU seconds are the command's process and its waited-for children (resource.getrusage
of children), plus, for "served", what the serve process and its own children (the local
Prefect server) spent meanwhile, read from /proc: the work a command hands over counts.
Goals: served ≤ 1.5× and cold ≤ 3× the plain call's CPU. `--repeat R` keeps each
measurement's lowest CPU of R runs. Prints a Markdown table, or JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from remiss import resources
from remiss.demo.simulate import simulate_returns
from remiss.services import operations
from remiss.services.work import open_work
from remiss.settings import Workspace

ROUND, SINGLE = "sh-2016", "sh-2016-en"
CLK_TCK = os.sysconf("SC_CLK_TCK")
BIN = Path(sys.executable).parent

_W = "from remiss.services.work import open_work as w; from remiss.settings import Workspace as W; "
PLAIN = {
    "collect": _W + "from remiss.services.intake.collect import collect_paths as c; "
    "from pathlib import Path as P; import sys; c(w(W.from_env(), {round!r}), [P(sys.argv[1])])",
    "launch": _W + "from remiss.services import operations as o; "
    "o.launch(w(W.from_env(), {single!r})); o.send_outbox(W.from_env(), None, {single!r})",
    "chase": _W + "from remiss.services import operations as o; import datetime as d; "
    "day = d.date(2016, 5, 2); o.chase(w(W.from_env(), {round!r}, today=day)); "
    "o.send_outbox(W.from_env(), None); o.status(w(W.from_env(), {round!r}, today=day))",
    "status": _W + "from remiss.services import operations as o; import datetime as d; "
    "o.status(w(W.from_env(), {round!r}, today=d.date(2016, 5, 2)))",
}
COMMANDS = {
    "collect": ["collect", ROUND, "{file}", "--json"],
    "launch": ["round", "launch", SINGLE, "--json"],
    "chase": ["chase", ROUND, "--today", "2016-05-02", "--json"],
    "status": ["status", ROUND, "--today", "2016-05-02", "--json"],
}


def prepare(folder: Path) -> tuple[Path, Path]:
    """A workspace with the bundled round launched and a one-recipient round created; one returned file."""
    home = folder / "base"
    home.mkdir(parents=True)
    ws = Workspace(home=home, database_url=f"sqlite:///{home / 'remiss.db'}")
    operations.create_round(ws, resources.bundled_round())
    operations.launch(open_work(ws, ROUND))
    single = folder / "single.yaml"
    text = resources.bundled_round().read_text(encoding="utf-8")
    text = text.replace(f"id: {ROUND}\n", f"id: {SINGLE}\n", 1)
    text = text.replace("recipients: all", "recipients: [bromma]")
    text = text.replace("catalog: ../catalog.yaml", f"catalog: {resources.default_catalog()}")
    single.write_text(text, encoding="utf-8")
    operations.create_round(ws, single)
    arrival = simulate_returns(ws, open_work(ws, ROUND).round)[0]
    returned = folder / arrival.files[0].name
    shutil.copy(arrival.files[0], returned)
    return home, returned


def _env(home: Path, prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "REMISS_"))}
    env.update(
        REMISS_HOME=str(home),
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    return env


def _tree_cpu(root: int) -> float:
    """CPU seconds of `root` and every live descendant, with what they reaped (utime+stime+cutime+cstime)."""
    parents, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = sum(int(f) for f in fields[11:15]) / CLK_TCK
    total = 0.0
    for pid, cpu in times.items():
        walk = pid
        while walk not in (0, 1, root) and walk in parents:
            walk = parents[walk]
        if walk == root:
            total += cpu
    return total


def run(args: list[str], env: dict[str, str], served: int | None = None) -> dict[str, Any]:
    before, started, server = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter(), 0.0
    if served:
        server = _tree_cpu(served)
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if served:
        server = _tree_cpu(served) - server
    if done.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(own + server, 2), "served_cpu_s": round(server, 2)}


def measure(name: str, base: Path, returned: Path, scratch: Path, mode: str, env_of: Any) -> dict[str, Any]:
    target = scratch / f"{name}-{mode}"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target)
    env = env_of(target)
    if mode == "flow":
        env = {**env, "REMISS_SMALL_WORK": "0"}
    if mode == "plain":
        code = PLAIN[name].format(round=ROUND, single=SINGLE)
        args = [sys.executable, "-c", code, str(returned)]
    else:
        args = [str(BIN / "remiss"), *(a.format(file=returned) for a in COMMANDS[name])]
    return run(args, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", default="collect,launch,chase,status")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-serve", action="store_true", help="skip the served measurements")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    names = args.commands.split(",")
    results: dict[str, dict[str, Any]] = {n: {} for n in names}
    with tempfile.TemporaryDirectory(prefix="remiss-small-") as tmp:
        folder = Path(tmp)
        base, returned = prepare(folder)
        prefect_home = folder / "prefect-home"
        scratch = folder / "runs"
        scratch.mkdir()
        modes = ["plain", "cold", "flow"]
        for name in names:  # a first cold run migrates the fresh PREFECT_HOME; not measured
            measure(name, base, returned, scratch, "flow", lambda h: _env(h, prefect_home))
            break
        for mode in modes:
            for name in names:
                runs = [
                    measure(name, base, returned, scratch, mode, lambda h: _env(h, prefect_home))
                    for _ in range(args.repeat)
                ]
                results[name][mode] = min(runs, key=lambda r: r["cpu_s"])
        if not args.no_serve:
            serve_results(names, base, returned, folder, prefect_home, args.repeat, results)
    for name in names:
        plain = results[name]["plain"]["cpu_s"]
        for mode in ("cold", "flow", "served"):
            if mode in results[name]:
                results[name][mode]["ratio"] = round(results[name][mode]["cpu_s"] / plain, 2)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(table(results))
    return 0


def serve_results(
    names: list[str], base: Path, returned: Path, folder: Path, prefect_home: Path, repeat: int, results: dict
) -> None:
    """The same commands while `remiss serve` runs, each in a fresh workspace with a serve of its own.

    Each serve is warmed up by one `remiss send` first (its first flow run loads what every
    later one reuses): serve is a long-running process, and a coordinator's commands meet it warm.
    """
    for name in names:
        runs = []
        for attempt in range(repeat):
            target = folder / "runs" / f"{name}-served-{attempt}"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(base, target)
            env = _env(target, prefect_home)
            command = [str(BIN / "remiss"), "serve", ROUND, "--port", str(_free_port())]
            serve = subprocess.Popen(
                command,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            try:
                _wait_ready(serve)
                run([str(BIN / "remiss"), "send", "--json"], env)
                args = [str(BIN / "remiss"), *(a.format(file=returned) for a in COMMANDS[name])]
                runs.append(run(args, env, serve.pid))
            finally:
                os.killpg(serve.pid, signal.SIGTERM)
                serve.wait(timeout=90)
        results[name]["served"] = min(runs, key=lambda r: r["cpu_s"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(serve: subprocess.Popen[str]) -> None:
    assert serve.stdout is not None
    for line in serve.stdout:
        if "Prefect-UI" in line:
            return
    raise SystemExit(f"remiss serve stopped before it was ready (status {serve.wait()})")


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| command | plain cpu s | wall s | cold cpu s | wall s | cold/plain "
        "| flow cpu s | flow/plain | served cpu s | wall s | served/plain |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        served = r.get("served")
        cells = [
            name,
            f"{r['plain']['cpu_s']:.2f}",
            f"{r['plain']['wall_s']:.2f}",
            f"{r['cold']['cpu_s']:.2f}",
            f"{r['cold']['wall_s']:.2f}",
            f"{r['cold']['ratio']:.2f}×",
            f"{r['flow']['cpu_s']:.2f}",
            f"{r['flow']['ratio']:.2f}×",
            f"{served['cpu_s']:.2f}" if served else "–",
            f"{served['wall_s']:.2f}" if served else "–",
            f"{served['ratio']:.2f}×" if served else "–",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
