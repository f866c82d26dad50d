"""Which Prefect server `remiss serve`'s desk runs its flows on: serve's own, or the city's.

The README promises that the desk's launches, chases and annexes run as flows on serve's
Prefect API and show in its UI. Before, the desk's thread started without serve's Prefect
settings, so its flows went to a private ephemeral API (nowhere to be seen); and with
PREFECT_API_URL set (a city's server), serve still started a server of its own, with its
SQLite on the shared folder. Real `prefect server start` processes and a real `remiss serve`
on loopback; a coordinator launches a round from the desk over HTTP.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from remiss_flows.serve import local_server
from tests.mail.support import free_port

from remiss import resources
from remiss.services import accounts, operations
from remiss.settings import Workspace
from remiss.store.database import open_database

pytestmark = pytest.mark.slow

PASSWORD = "ett-langt-losenord"
LOGIN = "remiss:hemligt-for-prefect"  # the city Prefect server's basic authentication
ROUND = resources.bundled_round().parent / "examples" / "fardplan-2018.yaml"


def _workspace(home: Path) -> str:
    workspace = Workspace.from_env(home)
    round_id, _ = operations.create_round(workspace, ROUND)
    with open_database(workspace.database_url).session() as session:
        accounts.add_user(session, "anna", PASSWORD, accounts.Role.COORDINATOR)
    open_database(workspace.database_url).dispose()
    return round_id


def _serve(
    home: Path,
    port: int,
    prefect_port: int,
    api_url: str | None,
    base_url: str | None = None,
    **extra: str,
) -> subprocess.Popen[str]:
    env = {**os.environ, "REMISS_HOME": str(home), **extra}
    env.pop("PREFECT_API_URL", None)
    env.pop("REMISS_BASE_URL", None)
    if base_url:
        env["REMISS_BASE_URL"] = base_url
    if api_url:
        env["PREFECT_API_URL"] = api_url
    command = [sys.executable, "-m", "remiss.cli", "serve", "--port", str(port)]
    command += ["--prefect-port", str(prefect_port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for_desk(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the desk did not answer (exit {process.poll()})")


def _launch_from_the_desk(port: int, round_id: str) -> None:
    """Log in and launch over plain HTTP on loopback, as the proxy does: the cookies are sent back
    by hand, since they are Secure when REMISS_BASE_URL is https (httpx keeps those for https)."""
    jar: dict[str, str] = {}

    def call(method: str, path: str, **kwargs: object) -> httpx.Response:
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        answer = desk.request(method, path, headers={"Cookie": cookie}, **kwargs)  # type: ignore[arg-type]
        for line in answer.headers.get_list("set-cookie"):
            name, value = line.split(";", 1)[0].split("=", 1)
            jar[name] = value
        return answer

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=240) as desk:
        token = re.search(r'name="csrf" value="([^"]+)"', call("GET", "/").text).group(1)
        call("POST", "/logga-in", data={"name": "anna", "password": PASSWORD, "csrf": token})
        page = call("GET", f"/omgangar/{round_id}/forhandsgranska").text
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        launched = call("POST", f"/omgangar/{round_id}/skicka-ut", data={"csrf": token})
        assert launched.status_code == 303, launched.text[-2000:]


def _runs(api_url: str, flow: str, auth: tuple[str, ...] | None = None) -> list[str]:
    query = {"flows": {"name": {"any_": [flow]}}}
    runs = httpx.post(f"{api_url}/flow_runs/filter", json=query, auth=auth).json()  # type: ignore[arg-type]
    return [r["state_type"] for r in runs]


def _stop(process: subprocess.Popen[str]) -> str:
    """SIGTERM, as systemd stops a service: serve shuts down and exits 0 (it said 143: a failed unit)."""
    process.send_signal(signal.SIGTERM)
    output = process.communicate(timeout=90)[0]
    assert process.returncode == 0, output[-2000:]
    return output


def test_the_desks_flows_run_on_serves_own_prefect_server(tmp_path):
    round_id = _workspace(tmp_path)
    port, prefect_port = free_port(), free_port()
    process = _serve(tmp_path, port, prefect_port, None)
    try:
        _wait_for_desk(process, port)
        _launch_from_the_desk(port, round_id)
        assert _runs(f"http://127.0.0.1:{prefect_port}/api", "launch-round") == ["COMPLETED"]
    finally:
        output = _stop(process)
    assert f"Prefect-UI: http://127.0.0.1:{prefect_port}" in output


def test_an_unreachable_prefect_api_url_is_one_swedish_line(tmp_path):
    _workspace(tmp_path)
    dead = free_port()
    process = _serve(tmp_path, free_port(), free_port(), f"http://127.0.0.1:{dead}/api")
    output = process.communicate(timeout=120)[0]
    assert process.returncode == 2, output
    assert "Traceback" not in output
    assert (
        f"Fel: PREFECT_API_URL=http://127.0.0.1:{dead}/api: Prefect-servern svarar inte (ingen anslutning)"
        in (" ".join(output.split()))
    )


def test_serve_uses_the_citys_prefect_server_with_its_login_and_starts_none(tmp_path, monkeypatch):
    """With PREFECT_API_URL set, serve starts no server of its own (no SQLite on the share) and the
    desk's flows run on the city's. That server wants a login: a missing or wrong
    PREFECT_API_AUTH_STRING is one Swedish line naming it (before: exit 70 as a bug, after
    serve had got as far as registering its schedules)."""
    round_id = _workspace(tmp_path / "share")
    monkeypatch.setenv("PREFECT_SERVER_API_AUTH_STRING", LOGIN)
    with local_server(tmp_path / "city-prefect", free_port()) as city:
        monkeypatch.delenv("PREFECT_SERVER_API_AUTH_STRING")
        for given, problem in ((None, "är inte satt"), ("remiss:fel", "stämmer inte med dess")):
            extra = {"PREFECT_API_AUTH_STRING": given} if given else {}
            process = _serve(tmp_path / "share", free_port(), free_port(), city, **extra)
            output = " ".join(process.communicate(timeout=120)[0].split())
            assert process.returncode == 2, output
            assert output == (
                f"Fel: PREFECT_API_URL={city}: Prefect-servern kräver inloggning och PREFECT_API_AUTH_STRING "
                f"{problem} (användare:lösenord, samma som PREFECT_SERVER_API_AUTH_STRING på servern)."
            )
        port, own_port = free_port(), free_port()
        base = "https://remiss.stad.example.se"
        process = _serve(tmp_path / "share", port, own_port, city, base, PREFECT_API_AUTH_STRING=LOGIN)
        try:
            _wait_for_desk(process, port)
            assert not (tmp_path / "share" / "prefect" / "server.pid").exists()
            _launch_from_the_desk(port, round_id)
            assert _runs(city, "launch-round", auth=tuple(LOGIN.split(":"))) == ["COMPLETED"]
        finally:
            output = _stop(process)
    assert f"Prefect-UI: {city.removesuffix('/api')} " in output
    # the address people use, not only the loopback one the proxy reaches
    assert f"Skrivbordet: http://127.0.0.1:{port}/ (för användarna: {base}/)" in output
    assert not (tmp_path / "share" / "prefect" / "prefect.db").exists()  # no SQLite on the share
    assert f":{own_port}" not in output
