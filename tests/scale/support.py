"""Support for the scale-out tests: a launched round, returned files, and actors in processes.

`launched_workspace` and `fill_returns` make a round issued to a few organisations and a
folder of returned files filled as a nämnd would (plain service calls, no Prefect, so
setting up costs seconds). Run as `python -m tests.scale.support ROLE …`, this module is one
actor of the concurrency test: it opens its own engine (as a collector on another machine
would), waits until the start file exists so that all actors begin together, does its work
through the plain services, and prints what it did as JSON on stdout.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from tests.helpers import issued

from remiss import resources
from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.model import GENERAL
from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.services import operations
from remiss.services.annex.publish import write_annex
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database

ROUND = "sh-2016"


def launched_workspace(home: Path, database_url: str, organisations: list[str]) -> Workspace:
    """The bundled round created and issued to `organisations` only (the rest stay pending)."""
    workspace = Workspace(home=home, database_url=database_url)
    round_id, _ = operations.create_round(workspace, resources.bundled_round())
    assert round_id == ROUND
    operations.issue_many(open_work(workspace, ROUND), organisations)
    return workspace


def answer_text(org_id: str, version: int) -> str:
    return f"{org_id} svarar, version {version}."


def fill_returns(
    workspace: Workspace, organisations: list[str], folder: Path, versions: int = 1
) -> list[Path]:
    """Per organisation: `versions` Word files (each with its own text) and one Excel file.

    Modification times follow the list order, oldest first, as if they arrived in that order.
    """
    ctx = open_work(workspace, ROUND).round
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for org_id in organisations:
        keys = [a.key for a in ctx.assignments(org_id)]
        template = issued(workspace.home, ROUND, org_id, ".docx").read_bytes()
        for version in range(1, versions + 1):
            text = answer_text(org_id, version)
            answers = {field_tag(GENERAL, ctx.definition.fields.general.id): [text]}
            answers |= {field_tag(key, "kommentar"): [f"{text} Om {key}."] for key in keys}
            path = folder / f"{org_id}-svar-v{version}.docx"
            path.write_bytes(fill_response_docx(template, answers))
            files.append(path)
        sheet = issued(workspace.home, ROUND, org_id, ".xlsx").read_bytes()
        values = {(key, "tidshorisont"): "Inför budget 2017" for key in keys}
        path = folder / f"{org_id}-prioritering.xlsx"
        path.write_bytes(fill_response_xlsx(sheet, values))
        files.append(path)
    for order, path in enumerate(files):
        os.utime(path, (1_700_000_000 + order, 1_700_000_000 + order))
    return files


def main(role: str, home: str, database_url: str, start: str, *args: str) -> None:
    workspace = Workspace(home=Path(home), database_url=database_url)
    open_database(workspace.database_url)  # connect and check the schema before the start signal
    while not Path(start).exists():
        time.sleep(0.01)
    round_id = args[0]
    if role == "collect":  # collect ROUND FILE… : one file at a time, in the order given
        result = [
            asdict(r)
            for path in args[1:]
            for r in collect_paths(open_work(workspace, round_id), [Path(path)])
        ]
    elif role == "chase":  # chase ROUND DAY
        result = [
            asdict(r)
            for r in operations.chase(open_work(workspace, round_id, today=dt.date.fromisoformat(args[1])))
        ]
    elif role == "annex":  # annex ROUND OUTPUT : repeated drafts while the others work
        result = [str(write_annex(open_work(workspace, round_id), Path(args[1]))) for _ in range(3)]
    else:
        raise SystemExit(f"unknown role {role}")
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
