"""The installed `remiss` console script run as a person runs it, and a check that it kept to REMISS_HOME."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def remiss_command() -> list[str]:
    script = Path(sys.executable).with_name("remiss")
    return [str(script)] if script.exists() else [sys.executable, "-m", "remiss.cli"]


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_remiss(
    home: Path, *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600
) -> Run:
    """`remiss ARGS` in its own process with REMISS_HOME=home, started in `cwd`."""
    environment = {**os.environ, "REMISS_HOME": str(home), "COLUMNS": "400", **(env or {})}
    environment.pop("REMISS_DATABASE_URL", None)
    done = subprocess.run(
        [*remiss_command(), *args], cwd=cwd, env=environment, capture_output=True, timeout=timeout
    )
    return Run(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))


def snapshot(*folders: Path) -> dict[bytes, str]:
    """Every file under `folders` (raw name -> sha256): compared before and after a run."""
    found: dict[bytes, str] = {}
    for folder in folders:
        for root, _dirs, files in os.walk(os.fsencode(folder)):
            for name in files:
                path = os.path.join(root, name)
                with open(path, "rb") as stream:
                    found[path] = hashlib.sha256(stream.read()).hexdigest()
    return found
