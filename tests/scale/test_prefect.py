"""Orchestration: prefect.yaml, and the collect deployment run by a worker of a real Prefect server.

What a city does (README, "Running for a whole city"): a Prefect server on loopback whose
database is the throwaway PostgreSQL cluster, a process work pool, `prefect deploy` from
prefect.yaml, a worker that takes REMISS_HOME and REMISS_DATABASE_URL from its environment,
and a run of `collect-responses` over a folder of returned files; the store is checked
afterwards. Every process started here is ended by its process group, also on failure. The
other deployments of prefect.yaml are checked without a server (entrypoints load, parameters
are typed, chase runs on a schedule).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint
from prefect.utilities.callables import parameter_schema
from remiss_flows._shared import spread
from sqlalchemy import select
from tests import pg
from tests.scale.support import ROUND, fill_returns, launched_workspace

from remiss.store.database import open_database
from remiss.store.schema import AnswerRow, ReceivedFileRow

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))
POOL = "remiss"
ORGANISATIONS = ["bromma", "farsta", "kultur"]
PREFECT_YAML = REPO / "prefect.yaml"
FLOWS = {"launch-round", "collect-responses", "chase-missing", "assemble-annex"}


@contextlib.contextmanager
def _started(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process in its own group, so it and everything it spawned are ended together."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=wait)
                break


def _wait_healthy(api: str, server: subprocess.Popen[bytes], log: Path, timeout: float = 180) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        assert server.poll() is None, log.read_text(errors="replace")[-3000:]
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{api}/health", timeout=2) as response:
            if response.status == 200:
                return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(
        f"Prefect server not healthy in {timeout} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def _prefect(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [PREFECT, "--no-prompt", *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_collect_deployment_runs_on_a_process_worker_of_a_postgres_backed_server(
    pg_cluster, tmp_path, capsys
):
    remiss_url = pg_cluster.url(pg_cluster.create_database())
    home, inbox = tmp_path / "home", tmp_path / "inkommet"
    api = f"http://127.0.0.1:{pg.free_port()}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": pg_cluster.url(
            pg_cluster.create_database("prefect"), "asyncpg"
        ),
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_WORKER_QUERY_SECONDS": "1",  # the default 10 s poll is for servers, not tests
        "REMISS_HOME": str(home),
        "REMISS_DATABASE_URL": remiss_url,
    }
    host, port = api.removeprefix("http://").removesuffix("/api").split(":")
    timings: dict[str, float] = {}
    with contextlib.ExitStack() as stack:
        started = time.monotonic()
        server_log = tmp_path / "server.log"
        server = stack.enter_context(
            _started([PREFECT, "server", "start", "--host", host, "--port", port], env, server_log)
        )
        # While the server starts: a launched round and a folder of returned files, two versions each.
        workspace = launched_workspace(home, remiss_url, ORGANISATIONS)
        files = fill_returns(workspace, ORGANISATIONS, inbox, versions=2)
        _wait_healthy(api, server, server_log)
        timings["server healthy"] = time.monotonic() - started

        started = time.monotonic()
        _create_pool(api)  # what `prefect work-pool create remiss --type process` does, without a CLI start
        worker_log = tmp_path / "worker.log"
        stack.enter_context(_started([PREFECT, "worker", "start", "--pool", POOL], env, worker_log))
        _prefect("deploy", "--name", "collect-responses", env=env)  # from prefect.yaml
        timings["pool, worker, deploy"] = time.monotonic() - started

        started = time.monotonic()
        flow_run, task_runs = _run_collect(api, inbox)
        timings["deployment run"] = time.monotonic() - started
        assert flow_run.state.is_completed(), worker_log.read_text(errors="replace")[-5000:]

    with capsys.disabled():
        print("\n" + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))

    # The files were collected in concurrent batches (see remiss_flows._shared.spread).
    assert len(task_runs) == len(spread(files)) > 1 and all(t.state.is_completed() for t in task_runs)
    with open_database(workspace.database_url).session() as session:
        rows = session.scalars(select(ReceivedFileRow)).all()
        assert sorted(r.original_name for r in rows) == sorted(p.name for p in files)
        assert {r.status for r in rows} == {"accepted"}
        by_kind = defaultdict(list)
        for row in rows:
            by_kind[(row.organisation_id, row.kind)].append(row)
        assert set(by_kind) == {(o, k) for o in ORGANISATIONS for k in ("docx", "xlsx")}
        for versions in by_kind.values():
            assert sorted(r.version for r in versions) == list(range(1, len(versions) + 1))
            assert sum(r.is_current for r in versions) == 1
        word = [r.id for r in rows if r.kind == "docx"]
        answers = session.scalars(select(AnswerRow).where(AnswerRow.file_id.in_(word))).all()
        assert {a.file_id for a in answers if not a.empty} == set(word)
    assert all(
        (workspace.archive / ROUND / r.organisation_id).is_dir() and Path(r.stored_path).is_file()
        for r in rows
    )


def _create_pool(api: str) -> None:
    from prefect import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.settings import PREFECT_API_URL, temporary_settings

    async def create() -> None:
        async with get_client() as client:
            await client.create_work_pool(WorkPoolCreate(name=POOL, type="process"))

    with temporary_settings({PREFECT_API_URL: api}):
        asyncio.run(create())


def _run_collect(api: str, inbox: Path):
    """Run the deployment through the server's API and wait for it to end; (flow run, task runs)."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        flow_run = run_deployment(
            "collect-responses/collect-responses",
            parameters={"round_id": ROUND, "paths": [str(inbox)]},
            timeout=240,
            poll_interval=1,
        )

        async def task_runs():  # task runs reach the server as events: give them a moment
            async with get_client() as client:
                for _ in range(40):
                    runs = await client.read_task_runs(
                        flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
                    )
                    if runs and all(r.state and r.state.is_final() for r in runs):
                        return runs
                    await asyncio.sleep(0.5)
                return runs

        return flow_run, asyncio.run(task_runs())


def test_each_deployment_loads_its_flow_with_typed_parameters_on_the_process_pool():
    config = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))
    deployments = {d["name"]: d for d in config["deployments"]}
    assert set(deployments) == FLOWS
    assert config["pull"] == []  # workers run the installed package: nothing to pull
    for name, deployment in deployments.items():
        flow = load_flow_from_entrypoint(deployment["entrypoint"])
        assert flow.name == name
        assert deployment["work_pool"]["name"] == "remiss"
        properties = parameter_schema(flow.fn).model_dump()["properties"]
        assert properties and all("type" in p or "anyOf" in p for p in properties.values()), name
        assert "round_id" in inspect.signature(flow.fn).parameters


def test_chase_runs_on_weekday_mornings_in_stockholm_once_per_open_round():
    deployments = yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["deployments"]
    chase = next(d for d in deployments if d["name"] == "chase-missing")
    flow = load_flow_from_entrypoint(chase["entrypoint"])
    assert chase["schedules"]
    for schedule in chase["schedules"]:
        cron = CronSchedule(cron=schedule["cron"], timezone=schedule["timezone"])  # validates both
        assert cron.timezone == "Europe/Stockholm" and cron.cron.endswith("* * 1-5")
        assert schedule["slug"] == schedule["parameters"]["round_id"]
        assert set(schedule["parameters"]) <= set(inspect.signature(flow.fn).parameters)
