"""The desk's PlainRunner: the services' results as the plain dicts the pages read."""

from __future__ import annotations

import json

from remiss.web.runner import PlainRunner

ROUND = "sh-2016"


def test_annex_and_send_come_back_as_plain_dicts(workspace, tmp_path):
    runner = PlainRunner(workspace)
    annex = runner.annex(ROUND, tmp_path / "bilaga.docx", "samordnare", xlsx=True)
    assert annex["annex"] == str(tmp_path / "bilaga.docx") and annex["xlsx"].endswith(".xlsx")
    assert (tmp_path / "bilaga.docx").read_bytes()[:2] == b"PK"
    sent = runner.send(ROUND)
    assert sent["sent"] == [] and sent["waiting"]  # no SMTP here: everything waits, with a reason
    json.dumps([annex, sent])  # what the pages and the API hand on
