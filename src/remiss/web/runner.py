"""How the desk gets work done: plain service calls, or (in `remiss serve`) the Prefect flows.

The pages only see `Runner`. `PlainRunner` calls the same functions the flows call, in this
process, with its warm pool of parsing workers; `remiss serve` hands the desk a `Runner` that
runs the flows against the Prefect API it started once for the whole process. Each call
names who asked (`by`), for the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from remiss.documents.annex.pdf import use_warm_office
from remiss.mail.settings import smtp_from_env
from remiss.services import operations
from remiss.services.annex.publish import publish_annex
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace


class Runner(Protocol):
    def collect(self, round_id: str, paths: list[Path], by: str) -> list[dict[str, Any]]: ...

    def annex(self, round_id: str, output: Path, by: str, **options: Any) -> dict[str, Any]: ...

    def chase(self, round_id: str, today: dt.date, by: str) -> list[dict[str, Any]]: ...

    def launch(self, round_id: str, by: str) -> list[dict[str, Any]]: ...

    def send(self, round_id: str) -> dict[str, Any]: ...


class PlainRunner:
    """The services called directly (what the flows' tasks call)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def collect(self, round_id: str, paths: list[Path], by: str) -> list[dict[str, Any]]:
        work = open_work(self.workspace, round_id, by=by)
        return [asdict(r) for r in collect_paths(work, paths)]

    def annex(self, round_id: str, output: Path, by: str, **options: Any) -> dict[str, Any]:
        use_warm_office()  # a desk PDF need not wait for LibreOffice to start
        return asdict(publish_annex(open_work(self.workspace, round_id, by=by), output, **options))

    def chase(self, round_id: str, today: dt.date, by: str) -> list[dict[str, Any]]:
        work = open_work(self.workspace, round_id, today=today, by=by)
        return [asdict(r) for r in operations.chase(work)]

    def launch(self, round_id: str, by: str) -> list[dict[str, Any]]:
        issued = operations.launch(open_work(self.workspace, round_id, by=by))
        return [{k: str(v) for k, v in asdict(i).items()} for i in issued]

    def send(self, round_id: str) -> dict[str, Any]:
        return asdict(operations.send_outbox(self.workspace, smtp_from_env(), round_id))
