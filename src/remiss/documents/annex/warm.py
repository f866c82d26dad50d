"""A LibreOffice kept running for the desk's annex PDFs, so a PDF does not wait ~12 s for a start.

One headless LibreOffice per serve process, with its own user profile and pipe, started on
the first PDF. Each PDF is one short run of lo_pdf_export.py (under the Python with `uno`)
that connects to it and leaves it running. It is started again when it has died, when a
conversion failed or ran past its time limit (then its whole process group is killed), and
after `max_jobs` PDFs or `max_age` seconds, so a leak in LibreOffice never lives for long.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from remiss.errors import DocumentError


class WarmOffice:
    """A LibreOffice process reused across conversions; one conversion at a time."""

    def __init__(
        self, soffice: str, python: str, *, timeout: float = 600, max_jobs: int = 50, max_age: float = 3600
    ) -> None:
        self.soffice, self.python = soffice, python
        self.timeout, self.max_jobs, self.max_age = timeout, max_jobs, max_age
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._pipe = ""
        self._profile: Path | None = None
        self._started = 0.0
        self._jobs = 0
        self.starts = 0  # how many times LibreOffice was started (tests, benchmarks)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process and self._process.poll() is None else None

    def convert(self, script: Path, source: Path, target: Path, options: dict[str, object]) -> str:
        """Run the export script against the warm LibreOffice; its standard output (the page
        count). A failed run is tried once more on a fresh LibreOffice (it may have died just
        before); raises DocumentError naming the file when that fails too or when it hangs."""
        with self._lock:
            for _attempt in range(2):
                self._ensure_running()
                command = [self.python, str(script), f"connect:{self._pipe}", str(source), str(target), "-"]
                # A LibreOffice that answered before answers at once: a dead one is found fast.
                wait = "10" if self._jobs else "60"
                env = {**os.environ, "REMISS_LO_CONNECT_SECONDS": wait}
                try:
                    done = subprocess.run(
                        [*command, json.dumps(options)],
                        capture_output=True,
                        text=True,
                        timeout=self.timeout,
                        env=env,
                    )
                except subprocess.TimeoutExpired:
                    self._stop()
                    raise DocumentError(
                        f"PDF av {source.name} kunde inte skapas: "
                        f"LibreOffice svarade inte på {self.timeout:.0f} s."
                    ) from None
                self._jobs += 1
                if done.returncode == 0 and target.is_file():
                    return done.stdout
                self._stop()  # misbehaved: a fresh LibreOffice for the next try
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["okänt fel"]
            raise DocumentError(f"PDF av {source.name} kunde inte skapas i LibreOffice: {detail[0]}")

    def _ensure_running(self) -> None:
        process = self._process
        worn = self._jobs >= self.max_jobs or time.monotonic() - self._started > self.max_age
        if process is not None and process.poll() is None and not worn:
            return
        self._stop()
        self._profile = Path(tempfile.mkdtemp(prefix="remiss-lo-warm-"))
        self._pipe = f"remiss-warm-{uuid.uuid4().hex}"
        command = [
            self.soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"-env:UserInstallation={(self._profile / 'profile').as_uri()}",
            f"--accept=pipe,name={self._pipe};urp;StarOffice.ComponentContext",
        ]
        # Its own process group: soffice starts soffice.bin, and a timeout must end both.
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self._started, self._jobs = time.monotonic(), 0
        self.starts += 1

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def close(self) -> None:
        with self._lock:
            self._stop()


_office: WarmOffice | None = None
_office_lock = threading.Lock()


def keep_warm(soffice: str, python: str, *, timeout: float = 600) -> WarmOffice:
    """The process's warm LibreOffice, made on first call (started on its first PDF)."""
    global _office
    with _office_lock:
        if _office is None:
            _office = WarmOffice(soffice, python, timeout=timeout)
            atexit.register(_office.close)
        return _office


def warm_office() -> WarmOffice | None:
    """The warm LibreOffice if this process keeps one (`remiss serve` does), else None."""
    return _office
