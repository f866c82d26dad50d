"""Long work started from a page (the annex): a thread per job, its phase polled by htmx.

A job in progress lives in the process's memory (the desk runs as one process, `remiss
serve`). A finished one also leaves a small manifest beside its files (`jobb.json` in its
own folder), so a restarted desk still lists the annexes built before and downloads them,
always by job id, never by a path from the request.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from remiss.errors import RemissError

MANIFEST = "jobb.json"
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{8,40}")  # what secrets.token_urlsafe gives: never '..' or '/'


@dataclass
class Job:
    id: str
    round_id: str
    title: str
    by: str
    folder: Path | None = None  # where its files are written (None: a job without files)
    phase: str = "Köad"
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    done: bool = False
    error: str | None = None
    files: dict[str, Path] = field(default_factory=dict)  # kind -> path (docx, pdf, xlsx)
    result: dict[str, Any] = field(default_factory=dict)


class Jobs:
    def __init__(self, log: Path | None = None, folder: Path | None = None) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.log = log  # where an unexpected error's traceback goes
        self.folder = folder  # one folder per round, one per job under it

    def start(self, round_id: str, title: str, by: str, work: Callable[[Job], None]) -> Job:
        job_id = secrets.token_urlsafe(12)
        folder = self.folder / round_id / job_id if self.folder is not None else None
        job = Job(job_id, round_id, title, by, folder)
        with self._lock:
            self._jobs[job.id] = job

        def run() -> None:
            try:
                work(job)
                job.phase = "Klar"
                self._keep(job)
            except RemissError as exc:
                job.error, job.phase = str(exc), "Misslyckades"
            except Exception as exc:  # shown in Swedish; the traceback goes to the log file
                where = self._write_log(exc)
                job.error, job.phase = f"Något gick fel när bilagan byggdes{where}.", "Misslyckades"
            finally:
                job.done = True

        threading.Thread(target=run, name=f"remiss-job-{job.id}", daemon=True).start()
        return job

    def _keep(self, job: Job) -> None:
        """The finished job's manifest: what a restarted desk lists (its files by name only)."""
        if job.folder is None or not job.files:
            return
        manifest = {
            "title": job.title,
            "by": job.by,
            "started": job.started.isoformat(),
            "files": {kind: path.name for kind, path in job.files.items()},
            "pages": job.result.get("pages"),
        }
        (job.folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    def _write_log(self, exc: Exception) -> str:
        if self.log is None:
            return ""
        try:
            with self.log.open("a", encoding="utf-8") as out:
                out.write("".join(traceback.format_exception(exc)))
        except OSError:
            return ""
        return f"; detaljer finns i {self.log.name} på servern"

    def get(self, round_id: str, job_id: str) -> Job | None:
        found = self._jobs.get(job_id)
        if found is not None:
            return found if found.round_id == round_id else None
        if self.folder is None or not _JOB_ID.fullmatch(job_id):
            return None
        folder = self.folder / round_id / job_id
        if folder.resolve().parent.parent != self.folder.resolve():  # a round id can't walk out
            return None
        return _kept(folder, round_id)

    def of_round(self, round_id: str) -> list[Job]:
        """The round's jobs, newest first: those of this process and those kept on disk."""
        with self._lock:
            found = {j.id: j for j in self._jobs.values() if j.round_id == round_id}
        if self.folder is not None and (self.folder / round_id).is_dir():
            for folder in (self.folder / round_id).iterdir():
                if folder.name not in found and (kept := _kept(folder, round_id)) is not None:
                    found[kept.id] = kept
        return sorted(found.values(), key=lambda j: j.started, reverse=True)


def _kept(folder: Path, round_id: str) -> Job | None:
    """A finished job read back from its manifest; None when there is none or it is unreadable."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = {kind: folder / Path(name).name for kind, name in manifest["files"].items()}
        job = Job(
            folder.name,
            round_id,
            str(manifest["title"]),
            str(manifest["by"]),
            folder,
            phase="Klar",
            started=dt.datetime.fromisoformat(manifest["started"]),
            done=True,
            files={kind: path for kind, path in files.items() if path.is_file()},
            result={"pages": manifest.get("pages")},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return job if job.files else None
