"""The desk's buttons that call the round lifecycle's services."""

from __future__ import annotations

from sqlalchemy import select
from tests.intake import corpus as c
from tests.lifecycle.support import unidentified
from tests.web.conftest import csrf_of

from remiss.services.intake.collect import collect_paths
from remiss.services.lifecycle.log import read_log
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import ReceivedFileRow

ROUND = c.ROUND


def test_attributing_a_quarantined_file_reads_it_as_the_organisations(coordinator, workspace):
    path = workspace.home / "okänd.docx"
    path.write_bytes(unidentified(workspace, "bromma", " Från desken."))
    [refused] = collect_paths(open_work(workspace, ROUND), [path])
    assert refused.code == "unidentified"
    with open_database(workspace.database_url).session() as session:
        file_id = session.scalar(
            select(ReceivedFileRow.id).where(ReceivedFileRow.original_name == "okänd.docx")
        )
    answer = coordinator.post(
        f"/omgangar/{ROUND}/karantan/{file_id}/tillskriv",
        data={"csrf": csrf_of(coordinator), "organisation": "bromma"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with open_database(workspace.database_url).session() as session:
        row = session.get(ReceivedFileRow, file_id)
        assert (row.status, row.organisation_id, row.identified_by) == ("accepted", "bromma", "samordnare")
    [entry] = [e for e in read_log(open_work(workspace, ROUND)) if e.action == "file.attributed"]
    assert entry.actor == "samordnare"


def test_a_pending_file_is_listed_in_the_quarantine_and_confirmed_there(coordinator, workspace):
    verified = workspace.home / "Brommas svar.docx"
    verified.write_bytes(c.fill_word(workspace, "bromma", " Äkta."))
    collect_paths(open_work(workspace, ROUND), [verified])
    weak = workspace.home / "remissvar-sh-2016-bromma.docx"
    weak.write_bytes(c.strip_reference(c.strip_properties(c.fill_word(workspace, "bromma", " Utan kod."))))
    [pending] = collect_paths(open_work(workspace, ROUND), [weak])
    assert pending.outcome == "pending"
    page = coordinator.get(f"/omgangar/{ROUND}/karantan")
    assert "Väntar på bekräftelse" in page.text and "Bekräfta remissvar-sh-2016-bromma.docx" in page.text
    with open_database(workspace.database_url).session() as session:
        file_id = session.scalar(
            select(ReceivedFileRow.id).where(ReceivedFileRow.original_name == "remissvar-sh-2016-bromma.docx")
        )
    answer = coordinator.post(
        f"/omgangar/{ROUND}/karantan/{file_id}/bekrafta",
        data={"csrf": csrf_of(coordinator)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    with open_database(workspace.database_url).session() as session:
        row = session.get(ReceivedFileRow, file_id)
        assert (row.status, row.is_current, row.version) == ("accepted", True, 2)
    assert "Inga filer väntar på bekräftelse" in coordinator.get(f"/omgangar/{ROUND}/karantan").text
