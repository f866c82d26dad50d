"""`remiss serve` on a port it cannot have: one Swedish line naming the option, before Prefect starts.

Before, a taken desk port was found by uvicorn after the Prefect server had started (20 s),
with uvicorn's English error line first; a taken Prefect port was answered by whatever
Prefect server held it, and serve took that server for its own. Real sockets on loopback
hold the ports; the command runs in a child process through the console script's `main`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from remiss import resources
from remiss.services import operations
from remiss.settings import Workspace

DRIVER = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from remiss.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(sys.argv[1:])
        except SystemExit as done:
            code = done.code
    json.dump({"code": code, "said": out.getvalue() + err.getvalue(), "prefect": "prefect" in sys.modules},
              sys.__stdout__)
    """
)


@pytest.fixture
def held() -> Iterator[int]:
    """A loopback port some other program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


@pytest.fixture
def home(tmp_path):
    workspace = Workspace.from_env(tmp_path)
    operations.create_round(workspace, resources.bundled_round())
    return tmp_path


def _serve(home, *argv: str) -> dict:
    env = {**os.environ, "REMISS_HOME": str(home), "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, "serve", *argv], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def _free() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_taken_desk_port_is_named_in_swedish_before_prefect_starts(home, held):
    outcome = _serve(home, "--port", str(held), "--prefect-port", str(_free()))
    said = " ".join(outcome["said"].split())
    assert outcome["code"] == 2, said
    assert said == (
        f"Fel: --port {held}: remiss serve kan inte lyssna på 127.0.0.1:{held} "
        "(ett annat program lyssnar redan där; välj en annan port)."
    )
    assert not outcome["prefect"]


def test_a_taken_prefect_port_is_not_taken_for_serves_own_server(home, held):
    outcome = _serve(home, "--port", str(_free()), "--prefect-port", str(held))
    said = " ".join(outcome["said"].split())
    assert outcome["code"] == 2, said
    assert f"Fel: --prefect-port {held}: remiss serve kan inte lyssna på 127.0.0.1:{held}" in said
    assert not outcome["prefect"]


def test_a_host_that_is_not_this_machines_is_named(home):
    outcome = _serve(home, "--host", "192.0.2.7", "--port", str(_free()))  # TEST-NET-1, never ours
    said = " ".join(outcome["said"].split())
    assert outcome["code"] == 2, said
    assert "adressen 192.0.2.7 finns inte på den här datorn; kontrollera --host" in said
    assert not outcome["prefect"]
