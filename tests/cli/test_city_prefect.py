"""A command whose PREFECT_API_URL names a city Prefect server that is down: one Swedish line.

Before, Prefect's client raised "RuntimeError: Failed to reach API" inside the flow and the
command called it a bug in remiss (exit 70, "ett oväntat fel"). The server is a loopback
port nothing listens on; the command runs as the console script does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from remiss import resources
from remiss.services import operations
from remiss.settings import Workspace


def test_launch_with_the_city_prefect_server_down_names_the_setting(tmp_path):
    operations.create_round(Workspace.from_env(tmp_path), resources.bundled_round())  # 31 nämnder: a flow
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    env = {**os.environ, "REMISS_HOME": str(tmp_path), "PREFECT_API_URL": f"http://127.0.0.1:{dead}/api"}
    env.pop("PREFECT_API_AUTH_STRING", None)
    done = subprocess.run(
        [sys.executable, "-m", "remiss.cli", "round", "launch", "sh-2016"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = " ".join(done.stderr.split())
    assert done.returncode == 2, said
    assert (
        f"Fel: PREFECT_API_URL=http://127.0.0.1:{dead}/api: Prefect-servern svarar inte (ingen anslutning)"
        in said
    )
    assert "oväntat fel" not in said and "Traceback" not in said
    assert not (tmp_path / "outbox").exists()  # nothing issued
