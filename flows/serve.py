"""serve_chase: run the chase flow on a daily schedule, with a local Prefect server, until stopped.

Prefect's ephemeral API cannot schedule, so this starts `prefect server start` on
127.0.0.1 (SQLite under REMISS_HOME/prefect, the UI on the same port), serves one
deployment of `chase-missing` per round on a cron in Europe/Stockholm, and stops the
server's whole process group when it is stopped itself (Ctrl-C, SIGTERM), also when
that happens while the server is still starting. With PREFECT_API_URL set (a city's
Prefect server), no server is started: the schedules and the desk's flow runs go there.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from prefect import serve
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.types.entrypoint import EntrypointType
from remiss_flows._shared import work
from remiss_flows.api import city_api
from remiss_flows.chase import chase_missing
from remiss_flows.handoff import handoff_endpoint

from remiss.errors import RemissError

TIMEZONE = "Europe/Stockholm"
STARTUP_SECONDS = 180  # a fresh PREFECT_HOME runs its migrations first; a busy 2-core box is slow


def daily_cron(home: str, round_id: str) -> str:
    """The cron of the round's `reminders.at` (default 08:00), every day."""
    at = work(home, round_id).round.definition.reminders.at
    return f"{at.minute} {at.hour} * * *"


def serve_chase(
    home: str,
    round_ids: list[str],
    *,
    cron: str | None = None,
    port: int = 4200,
    today: str | None = None,
    ready: Any = print,
    desk: tuple[Any, str, int] | None = None,
) -> None:
    """Serve a daily chase per round until stopped; `ready` is told the UI's address and schedules.

    With `desk` = (ASGI app, host, port), the coordinators' desk is served too, in this
    process, and its work runs as flows against the same Prefect API (started once).
    """
    schedules = {r: cron or daily_cron(home, r) for r in round_ids}  # also checks that the rounds exist
    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        with (
            prefect_api(Path(home) / "prefect", port) as api_url,
            temporary_settings({PREFECT_API_URL: api_url}),
            desk_server(desk),
            handoff_endpoint(home, api_url),
        ):
            os.environ["PREFECT_API_URL"] = api_url  # for the flow-run subprocesses, whatever Prefect passes
            deployments = [
                chase_missing.to_deployment(
                    name=f"chase-{round_id}",
                    schedule=Cron(expression, timezone=TIMEZONE),
                    parameters={"round_id": round_id, "home": home, "today": today},
                    entrypoint_type=EntrypointType.MODULE_PATH,
                    description=f"Påminnelser för {round_id} enligt omgångens påminnelsepolicy.",
                )
                for round_id, expression in schedules.items()
            ]
            ready(api_url.removesuffix("/api"), schedules)
            if not deployments:  # only the desk: wait for a signal
                signal.pause() if hasattr(signal, "pause") else time.sleep(10**9)
                return
            with warnings.catch_warnings():  # Prefect's own SIGTERM handler leaves one coroutine behind
                warnings.filterwarnings("ignore", message="coroutine 'Runner.astop' was never awaited")
                serve(*deployments, print_starting_message=False)
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def desk_server(desk: tuple[Any, str, int] | None) -> Iterator[None]:
    """uvicorn serving the desk (an ASGI app) on a thread of this process; stopped when the block ends."""
    if desk is None:
        yield
        return
    import threading

    import uvicorn

    app, host, port = desk
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=True)
    )
    # In this block's context (the Prefect settings naming serve's API): a new thread starts with
    # an empty one, and the desk's flows would then run against a private ephemeral API.
    thread = threading.Thread(target=contextvars.copy_context().run, args=(server.run,), name="remiss-desk")
    thread.daemon = True
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise RemissError(f"Skrivbordet kunde inte starta på {host}:{port} (är porten upptagen?).")
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def prefect_api(prefect_home: Path, port: int) -> Iterator[str]:
    """The API URL serve uses: PREFECT_API_URL's server when it is set (checked), else a local one."""
    city = city_api()
    if city:
        yield city
        return
    with local_server(prefect_home, port) as url:
        yield url


@contextlib.contextmanager
def local_server(prefect_home: Path, port: int) -> Iterator[str]:
    """`prefect server start` on loopback; yields its API URL; stops the process group on exit."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PREFECT_HOME": str(prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("PREFECT_API_URL", None)
    log = (prefect_home / "server.log").open("ab")
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    (prefect_home / "server.pid").write_text(f"{process.pid}\n")
    try:
        url = f"http://127.0.0.1:{port}/api"
        _wait_healthy(process, url, prefect_home / "server.log")
        yield url
    finally:
        _stop(process)
        log.close()
        (prefect_home / "server.pid").unlink(missing_ok=True)


def _wait_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-800:]
            code = process.returncode
            raise RemissError(f"Prefect-servern på {url} startade inte (slutkod {code}):\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RemissError(f"Prefect-servern på {url} svarade inte inom {STARTUP_SECONDS} s; se {log}.")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group, SIGKILL if it has not gone after 20 s."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # anything the server left in its group


def _exit(signum: int, _frame: object) -> None:
    """SIGTERM is how a service manager stops serve: the blocks above shut down in order (the
    desk, the Prefect API, LibreOffice) and the exit is a clean 0, so systemd logs no failure."""
    raise SystemExit(0)
