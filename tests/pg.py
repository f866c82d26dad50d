"""A throwaway PostgreSQL cluster for the tests: initdb in a temp dir, loopback only, removed after.

Started from the PostgreSQL binaries on the machine (Debian: /usr/lib/postgresql/<major>/bin),
as the `postgres` user when the tests run as root (initdb refuses root). Durability is
switched off: the cluster lives for one test session and is deleted with its folder.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
_names = itertools.count(1)


def find_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder, preferring the PATH's own initdb."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    root: Path
    bindir: Path
    port: int
    run_as: list[str]

    def url(self, database: str = "postgres", driver: str = "psycopg") -> str:
        return f"postgresql+{driver}://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "remiss") -> str:
        """A new, empty database; returns its name."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(_names)}"
        dsn = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name

    def stop(self) -> None:
        pg_ctl = [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data")]
        subprocess.run([*pg_ctl, "stop", "-m", "immediate", "-w"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


def _owner() -> tuple[list[str], int, int]:
    """How to run the server binaries: as ourselves, or as `postgres` when we are root."""
    if os.geteuid() != 0:
        return [], os.getuid(), os.getgid()
    user = pwd.getpwnam("postgres")
    return ["runuser", "-u", "postgres", "--"], user.pw_uid, user.pw_gid


def start_cluster(bindir: Path) -> Cluster:
    """initdb + pg_ctl start on a free loopback port; the caller stops it (Cluster.stop)."""
    run_as, uid, gid = _owner()
    root = Path(tempfile.mkdtemp(prefix="remiss-pg-"))
    os.chown(root, uid, gid)
    cluster = Cluster(root, bindir, free_port(), run_as)
    data, sockets, log = root / "data", root / "sock", root / "server.log"
    try:
        _run([*run_as, "mkdir", str(sockets)])
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8"]
        _run([*run_as, *initdb, "--locale=C.UTF-8", "--no-sync", "--no-instructions"])
        options = (
            f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {sockets} -c max_connections=200 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        _run([*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"])
    except BaseException:
        with contextlib.suppress(Exception):
            print(log.read_text())
        cluster.stop()
        raise
    return cluster


@contextlib.contextmanager
def running_cluster(bindir: Path) -> Iterator[Cluster]:
    started = time.monotonic()
    cluster = start_cluster(bindir)
    print(f"\nPostgreSQL started on 127.0.0.1:{cluster.port} in {time.monotonic() - started:.1f} s")
    try:
        yield cluster
    finally:
        cluster.stop()


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        )
