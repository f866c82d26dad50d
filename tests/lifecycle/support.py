"""A small launched round (three recipients) and the files its nämnder send back."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from tests.intake import corpus as c

from remiss import resources
from remiss.services.intake.collect import collect_paths
from remiss.services.intake.pool import IntakeLimits, IntakePool
from remiss.services.intake.received import CollectResult
from remiss.services.work import Work, open_work
from remiss.settings import Workspace

ROUND = c.ROUND
RECIPIENTS = ["bromma", "farsta", "kultur"]
IN_TIME = dt.datetime(2016, 4, 20, 10, 0, tzinfo=dt.UTC)


def small_round_file(folder: Path) -> Path:
    """The bundled round, asking only bromma, farsta and kultur."""
    text = resources.bundled_round().read_text(encoding="utf-8")
    text = text.replace("recipients: all", f"recipients: [{', '.join(RECIPIENTS)}]")
    text = re.sub(r"^catalog: .*$", f"catalog: {resources.default_catalog()}", text, flags=re.M)
    path = folder / "liten-omgang.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def launched(home: Path) -> Workspace:
    home.mkdir(parents=True, exist_ok=True)
    return c.launched(home, small_round_file(home))


def collect(
    ws: Workspace, files: list[tuple[str, bytes]], now: dt.datetime = IN_TIME, by: str | None = None
) -> list[CollectResult]:
    """Collect named files in this process (no worker pool: the tests here are about the store)."""
    inbox = ws.home / "inkommet"
    inbox.mkdir(exist_ok=True)
    paths = []
    for name, data in files:
        (inbox / name).write_bytes(data)
        paths.append(inbox / name)
    pool = IntakePool(IntakeLimits(workers=0))
    return collect_paths(open_work(ws, ROUND, now=now, by=by), paths, pool=pool)


def unidentified(ws: Workspace, org: str, extra: str = "") -> bytes:
    """A filled Word answer whose properties, reference and heading block an editor dropped."""
    return c.strip_heading_block(c.strip_reference(c.strip_properties(c.fill_word(ws, org, extra))))


def work(ws: Workspace, **options: object) -> Work:
    """The work on the small round (options as `open_work`'s: by, today, now, deliver)."""
    return open_work(ws, ROUND, **options)  # type: ignore[arg-type]
