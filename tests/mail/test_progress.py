"""Progress of long work: services report through a plain callback; bars only on a terminal."""

from __future__ import annotations

import datetime as dt
import io
import os
import select

from tests.mail.support import answer_files, write_round

from remiss.cli.progress import progress_bars
from remiss.progress import reporting
from remiss.services import operations
from remiss.services.annex.publish import publish_annex
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work


def test_launch_collect_and_annex_report_each_step(workspace, tmp_path):
    events: list[dict] = []
    round_id, _ = operations.create_round(
        workspace, write_round(tmp_path, "prog-2016", dt.date(2016, 5, 13), ["kultur", "idrott"], {})
    )
    with reporting(events.append):
        operations.launch(open_work(workspace, round_id))
        files = answer_files(workspace, round_id, "kultur", tmp_path / "svar")
        collect_paths(open_work(workspace, round_id), files)
        publish_annex(open_work(workspace, round_id), tmp_path / "bilaga.docx", xlsx=True)
    steps = [(e["task"], e.get("advance", 0)) for e in events if "advance" in e]
    assert steps.count(("launch", 1)) == 2
    assert sum(n for task, n in steps if task == "collect") == 2
    assert {"task": "annex", "total": 2, "label": "Sammanställer bilagan"} in events
    assert steps.count(("annex", 1)) == 2
    with reporting(None):  # without a listener the work reports to no one
        operations.launch(open_work(workspace, round_id))


def test_bars_are_drawn_on_a_terminal_only(monkeypatch):
    assert progress_bars(json=True) is None
    monkeypatch.setattr("sys.stderr", io.StringIO())
    assert progress_bars(json=False) is None  # piped: nothing extra

    leader, follower = os.openpty()
    with os.fdopen(follower, "w") as terminal:
        monkeypatch.setattr("sys.stderr", terminal)
        bars = progress_bars(json=False)
        assert bars is not None
        bars({"task": "collect", "total": 2, "label": "Läser in filer"})
        bars({"task": "collect", "advance": 1})
        bars({"task": "collect", "advance": 1})  # all done: the bars go away
    drawn = b""
    while select.select([leader], [], [], 0.5)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed and everything was read
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert "Läser in filer".encode() in drawn
