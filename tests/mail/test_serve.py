"""`remiss serve` for real: a local Prefect server, a scheduled chase, reminders by SMTP, a clean stop.

One test, because it costs a minute or two: the Prefect server starts (10–30 s), the cron
"* * * * *" puts the next run at most a minute away, the runner polls every 10 s, and the
flow run starts its own process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.mail.support import free_port

pytestmark = pytest.mark.slow

RECIPIENTS = ["kultur", "idrott"]


def _processes_mentioning(text: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(f"{proc.name}: {cmdline}")
    return found


def test_serve_runs_the_scheduled_chase_and_stops_its_server(workspace, launched, smtp, monkeypatch):
    round_id = launched("serve-2016", dt.date(2016, 5, 13), RECIPIENTS, before=[2])
    port = free_port()
    env = {**os.environ, **smtp.env(), "REMISS_HOME": str(workspace.home)}
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "remiss.cli", "serve", round_id, "--cron", "* * * * *"]
    command += ["--prefect-port", str(port), "--port", str(free_port()), "--today", "2016-05-11"]
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and process.poll() is None:
            if sum(1 for r in smtp.recorder.received if r.key.startswith("reminder:")) >= len(RECIPIENTS):
                break
            time.sleep(1)
        reminders = sorted(r.rcpt_tos[0] for r in smtp.recorder.received if r.key.startswith("reminder:"))
        assert reminders == ["registrator.idrott@example.org", "registrator.kultur@example.org"], (
            process.poll(),
            (workspace.home / "prefect" / "server.log").read_text(errors="replace")[-3000:],
        )
        took = time.monotonic() - started
        artifacts = httpx.post(
            f"http://127.0.0.1:{port}/api/artifacts/filter",
            json={"artifacts": {"key": {"any_": [f"status-{round_id}"]}}},
        ).json()
        assert artifacts and artifacts[0]["type"] == "table"
        table = json.loads(artifacts[0]["data"])
        assert {row["Förvaltning"]: row["Påminnelser"] for row in table} == {
            "Idrottsförvaltningen": 1,
            "Kulturförvaltningen": 1,
        }
        assert (workspace.home / "prefect" / "prefect.db").is_file()  # the server's SQLite is ours

        # A command hands its flow to the running serve: the run is on serve's server.
        handed = subprocess.run(
            [sys.executable, "-m", "remiss.cli", "send", round_id, "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert handed.returncode == 0, handed.stderr
        waiting = json.loads(handed.stdout)["waiting"]  # the requests were written before SMTP was set
        assert sorted(waiting) == [f"request:{round_id}:{org}" for org in sorted(RECIPIENTS)]
        runs = httpx.post(
            f"http://127.0.0.1:{port}/api/flow_runs/filter", json={"flows": {"name": {"any_": ["send-mail"]}}}
        ).json()
        assert [r["state_type"] for r in runs] == ["COMPLETED"]
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=90)[0]
    assert f"Prefect-UI: http://127.0.0.1:{port}" in output
    assert not (workspace.home / "prefect" / "server.pid").exists()
    assert not (workspace.home / "prefect" / "handoff.json").exists()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    assert _processes_mentioning(f"--port {port}") == []
    print(f"first scheduled reminders after {took:.0f} s")
