"""How the desk gets work done: plain service calls, or (in `remiss serve`) the Prefect flows.

The pages only see `Work`. `PlainWork` calls the same functions the flows call, in this
process, with its warm pool of parsing workers; `remiss serve` hands the desk a `Work` that
runs the flows against the Prefect API it started once for the whole process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from remiss.services import operations
from remiss.settings import Workspace


class Work(Protocol):
    def collect(self, round_id: str, paths: list[Path]) -> list[dict[str, Any]]: ...

    def annex(self, round_id: str, output: Path, **options: Any) -> dict[str, Any]: ...

    def chase(self, round_id: str, today: dt.date) -> list[dict[str, Any]]: ...

    def launch(self, round_id: str) -> list[dict[str, Any]]: ...

    def send(self, round_id: str) -> dict[str, Any]: ...


class PlainWork:
    """The services called directly (what the flows' tasks call)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    def collect(self, round_id: str, paths: list[Path]) -> list[dict[str, Any]]:
        return [asdict(r) for r in operations.collect_many(self.workspace, round_id, paths)]

    def annex(self, round_id: str, output: Path, **options: Any) -> dict[str, Any]:
        return operations.publish_annex(self.workspace, round_id, output, **options).as_dict()

    def chase(self, round_id: str, today: dt.date) -> list[dict[str, Any]]:
        return [asdict(r) for r in operations.chase(self.workspace, round_id, today)]

    def launch(self, round_id: str) -> list[dict[str, Any]]:
        return [
            {k: str(v) for k, v in asdict(i).items()} for i in operations.launch(self.workspace, round_id)
        ]

    def send(self, round_id: str) -> dict[str, Any]:
        from remiss.mail.settings import smtp_from_env

        return operations.send_outbox(self.workspace, smtp_from_env(), round_id).as_dict()
