"""The desk's work as Prefect flows, for `remiss serve` (its Prefect API is up for the whole process).

Annexes, chases and launches run as the same flows the CLI and the deployments run, so they
show in the Prefect UI. An upload is collected with the plain intake call in this process
(its warm pool of parsing workers) unless REMISS_DESK_COLLECT_FLOW=1: a flow run adds a few
API round trips per upload, and a coordinator dropping one file waits for the answer.
"""

from __future__ import annotations

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
from remiss.web.work import PlainWork


class FlowWork(PlainWork):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.home = str(workspace.home)
        self.collect_as_flow = os.environ.get("REMISS_DESK_COLLECT_FLOW") == "1"

    def collect(self, round_id: str, paths: list[Path]) -> list[dict[str, Any]]:
        if not self.collect_as_flow:
            return super().collect(round_id, paths)
        return collect_responses(round_id, [str(p) for p in paths], self.home)

    def annex(self, round_id: str, output: Path, **options: Any) -> dict[str, Any]:
        return publish_annex(round_id, str(output), self.home, **options)

    def chase(self, round_id: str, today: dt.date) -> list[dict[str, Any]]:
        return chase_missing(round_id, self.home, today)

    def launch(self, round_id: str) -> list[dict[str, Any]]:
        return launch_round(round_id, self.home)

    def send(self, round_id: str) -> dict[str, Any]:
        return send_mail(self.home, round_id)
