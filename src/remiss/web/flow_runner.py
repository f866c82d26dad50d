"""The desk's work as Prefect flows, for `remiss serve` (its Prefect API is up for the whole process).

Annexes, chases and launches run as the same flows the CLI and the deployments run, so they
show in the Prefect UI; each is given the logged-in user (`by`), whom the audit log names.
An upload is collected with the plain intake call in this process (its warm pool of parsing
workers) unless REMISS_DESK_COLLECT_FLOW=1: a flow run adds a few API round trips per upload,
and a coordinator dropping one file waits for the answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

from remiss_flows.annex import publish_annex
from remiss_flows.chase import chase_missing
from remiss_flows.collect import collect_responses
from remiss_flows.launch import launch_round
from remiss_flows.mail import send_mail

from remiss.settings import Workspace
from remiss.web.actor import acting
from remiss.web.runner import PlainRunner


class FlowRunner(PlainRunner):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.home = str(workspace.home)
        self.collect_as_flow = os.environ.get("REMISS_DESK_COLLECT_FLOW") == "1"

    def collect(self, round_id: str, paths: list[Path], by: str) -> list[dict[str, Any]]:
        if not self.collect_as_flow:
            return super().collect(round_id, paths, by)
        with acting(by):
            return _plain(collect_responses(round_id, [str(p) for p in paths], self.home))

    def annex(self, round_id: str, output: Path, by: str, **options: Any) -> dict[str, Any]:
        with acting(by):
            return _plain(publish_annex(round_id, str(output), self.home, by=by, **options))

    def chase(self, round_id: str, today: dt.date, by: str) -> list[dict[str, Any]]:
        with acting(by):
            return _plain(chase_missing(round_id, self.home, today, by=by))

    def launch(self, round_id: str, by: str) -> list[dict[str, Any]]:
        with acting(by):
            return _plain(launch_round(round_id, self.home, by=by))

    def send(self, round_id: str) -> dict[str, Any]:
        return _plain(send_mail(self.home, round_id))


def desk_app(workspace: Workspace, today: dt.date | None = None) -> Any:
    """The desk `remiss serve` hosts: its work as flows; `--today` replays that day on the desk's
    pages as well (reminders due, late flags, the nämnd's page), not only in the daily chase."""
    from remiss.web import create_app

    return create_app(workspace, work=FlowRunner(workspace), clock=(lambda: today) if today else None)


def _plain(value: Any) -> Any:
    """What a flow returned (dataclasses, paths) as the dicts and strings the pages read."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, Path) else value
