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


def test_the_extension_form_grants_the_organisation_its_own_deadline(coordinator):
    """The desk's anstånd form calls the same service as `remiss extend`, in the page's transaction."""
    from sqlalchemy import select
    from tests.web.conftest import csrf_of

    from remiss.store.schema import RecipientRow

    answer = coordinator.post(
        f"/omgangar/{ROUND}/org/bromma/anstand", data={"csrf": csrf_of(coordinator), "until": "2016-05-20"}
    )
    assert answer.status_code == 200, answer.text[-500:]
    with coordinator.app.state.desk.db.session() as session:
        row = session.scalar(
            select(RecipientRow).where(
                RecipientRow.round_id == ROUND, RecipientRow.organisation_id == "bromma"
            )
        )
        assert str(row.extended_to) == "2016-05-20"
