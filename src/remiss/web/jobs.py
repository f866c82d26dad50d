"""Long work started from a page (the annex): a thread per job, its phase polled by htmx.

Jobs live in the process's memory: the desk runs as one process (`remiss serve`), and a
restarted desk simply shows no job in progress. Results are files downloaded by job id.
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from remiss.errors import RemissError


@dataclass
class Job:
    id: str
    round_id: str
    title: str
    by: str
    phase: str = "Köad"
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    done: bool = False
    error: str | None = None
    files: dict[str, Path] = field(default_factory=dict)  # kind -> path (docx, pdf, xlsx)
    result: dict[str, Any] = field(default_factory=dict)


class Jobs:
    def __init__(self, log: Path | None = None) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.log = log  # where an unexpected error's traceback goes

    def start(self, round_id: str, title: str, by: str, work: Callable[[Job], None]) -> Job:
        job = Job(secrets.token_urlsafe(12), round_id, title, by)
        with self._lock:
            self._jobs[job.id] = job

        def run() -> None:
            try:
                work(job)
                job.phase = "Klar"
            except RemissError as exc:
                job.error, job.phase = str(exc), "Misslyckades"
            except Exception as exc:  # shown in Swedish; the traceback goes to the log file
                where = self._write_log(exc)
                job.error, job.phase = f"Något gick fel när bilagan byggdes{where}.", "Misslyckades"
            finally:
                job.done = True

        threading.Thread(target=run, name=f"remiss-job-{job.id}", daemon=True).start()
        return job

    def _write_log(self, exc: Exception) -> str:
        if self.log is None:
            return ""
        try:
            with self.log.open("a", encoding="utf-8") as out:
                out.write("".join(traceback.format_exception(exc)))
        except OSError:
            return ""
        return f"; detaljer finns i {self.log.name} på servern"

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def of_round(self, round_id: str) -> list[Job]:
        return sorted((j for j in self._jobs.values() if j.round_id == round_id), key=lambda j: j.started)[
            ::-1
        ]
