"""The lifecycle services called as the web desk calls them: plain functions, typed results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.intake import corpus as c
from tests.lifecycle.support import IN_TIME, ROUND, collect, unidentified, work

from remiss.errors import NotFoundError, StateError
from remiss.services import operations
from remiss.services.annex.gather import current_answers
from remiss.services.lifecycle.attribute import attribute_file
from remiss.services.lifecycle.deadline import move_deadline
from remiss.services.lifecycle.log import read_log
from remiss.services.lifecycle.recipients import add_recipient, withdraw_recipient
from remiss.services.lifecycle.resend import resend
from remiss.services.lifecycle.state import RoundState, close_round, ensure_open, reopen_round
from remiss.services.lifecycle.views import list_rounds, show_round
from remiss.services.lifecycle.withdraw import withdraw_file
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import AssignmentRow, OrganisationRow, OutboxRow, ReceivedFileRow

TODAY = dt.date(2016, 4, 25)


def outbox_keys(ws, org: str) -> list[str]:
    with open_database(ws.database_url).session() as session:
        return sorted(session.scalars(select(OutboxRow.key).where(OutboxRow.organisation_id == org)))


def statuses(ws, today: dt.date = TODAY) -> dict[str, str]:
    return {s.organisation: s.status for s in operations.status(work(ws, today=today))}


def test_list_and_show_follow_the_rounds_state(ws):
    [summary] = list_rounds(ws, TODAY)
    assert (summary.id, summary.state, summary.state_label) == (ROUND, RoundState.LAUNCHED, "utskickad")
    assert summary.counts == {"missing": 3, "incomplete": 0, "complete": 0}
    collect(ws, [("bromma.docx", c.fill_word(ws, "bromma")), ("bromma.xlsx", c.fill_excel(ws, "bromma"))])
    detail = show_round(work(ws, today=TODAY))
    assert detail.summary.counts == {"missing": 2, "incomplete": 0, "complete": 1}
    assert [s.organisation for s in detail.statuses] == ["kultur", "bromma", "farsta"]  # annex order
    assert detail.files == {"accepted": 2, "withdrawn": 0, "rejected": 0}
    close_round(work(ws, by="anna"))
    assert show_round(work(ws, today=TODAY)).summary.state is RoundState.CLOSED


def test_moved_deadline_is_what_status_reminders_and_templates_use(ws):
    moved = move_deadline(work(ws, by="anna", today=TODAY), dt.date(2016, 5, 13))
    assert (moved.previous, moved.deadline, moved.warnings) == ("2016-04-29", "2016-05-13", [])
    assert work(ws).round.definition.deadline == dt.date(2016, 5, 13)
    assert not any(s.late for s in operations.status(work(ws, today=dt.date(2016, 5, 2))))
    assert operations.chase(work(ws, today=dt.date(2016, 5, 2))) == []  # 7 working days before is 2016-05-03
    resent = resend(work(ws, by="anna"), "farsta")
    assert "13 maj 2016" in Path(resent.eml).read_text(encoding="utf-8") or "13 maj" in _decoded(resent.eml)
    past = move_deadline(work(ws, today=TODAY), dt.date(2016, 4, 23))
    assert any("har redan passerat" in w for w in past.warnings)
    assert any("lördag" in w for w in past.warnings)


def _decoded(eml: str) -> str:
    import email
    import email.policy

    message = email.message_from_bytes(Path(eml).read_bytes(), policy=email.policy.default)
    return message.get_body(("plain",)).get_content()


def test_extension_earlier_than_a_moved_deadline_no_longer_counts(ws):
    operations.extend(work(ws, by="anna"), "farsta", dt.date(2016, 5, 6))
    moved = move_deadline(work(ws, today=TODAY), dt.date(2016, 5, 13))
    assert moved.overtaken == ["farsta"]
    assert work(ws).round.deadline_for("farsta") == dt.date(2016, 5, 13)


def test_closed_round_takes_no_file_and_chases_nobody_until_reopened(ws):
    assert close_round(work(ws, by="anna")).changed
    assert not close_round(work(ws)).changed
    with pytest.raises(StateError, match="är stängd: inga fler svar tas emot"):
        collect(ws, [("bromma.docx", c.fill_word(ws, "bromma"))])
    with pytest.raises(StateError, match="stängdes"):
        ensure_open(work(ws))
    assert operations.chase(work(ws, today=dt.date(2016, 5, 4))) == []
    assert reopen_round(work(ws, by="anna")).state is RoundState.LAUNCHED
    assert [r.outcome for r in collect(ws, [("bromma.docx", c.fill_word(ws, "bromma"))])] == ["accepted"]
    assert {r.organisation for r in operations.chase(work(ws, today=dt.date(2016, 5, 4)))} >= {
        "farsta",
        "kultur",
    }


def test_recipient_added_after_launch_gets_templates_and_request_and_counts(ws):
    change = add_recipient(work(ws, by="anna"), "skarpnack")
    assert (change.change, change.organisation) == ("added", "skarpnack") and change.measures > 0
    assert Path(change.docx).exists() and Path(change.xlsx).exists() and Path(change.eml).exists()
    assert outbox_keys(ws, "skarpnack") == [f"request:{ROUND}:skarpnack"]
    assert statuses(ws)["skarpnack"] == "missing"
    results = collect(ws, [("svar.docx", c.fill_word(ws, "skarpnack"))])
    assert [(r.outcome, r.organisation) for r in results] == [("accepted", "skarpnack")]
    with pytest.raises(StateError, match="redan mottagare"):
        add_recipient(work(ws), "skarpnack")
    with pytest.raises(NotFoundError, match="finns inte i katalogen"):
        add_recipient(work(ws), "atlantis")


def test_withdrawn_recipient_is_not_listed_chased_or_accepted_and_can_come_back(ws):
    word = c.fill_word(ws, "farsta")
    withdraw_recipient(work(ws, by="anna"), "farsta")
    assert set(statuses(ws)) == {"bromma", "kultur"}
    assert "farsta" not in {r.organisation for r in operations.chase(work(ws, today=dt.date(2016, 5, 4)))}
    [refused] = collect(ws, [("farsta.docx", word)])
    assert (refused.outcome, refused.code) == ("rejected", "unknown-organisation")
    with pytest.raises(NotFoundError, match="inte mottagare"):
        withdraw_recipient(work(ws), "farsta")
    back = add_recipient(work(ws, by="anna"), "farsta")
    assert back.change == "reinstated" and Path(back.eml).exists()
    assert len(outbox_keys(ws, "farsta")) == 2  # the first request and the new one
    assert "farsta" in statuses(ws)


def test_resend_is_one_new_message_per_request(ws):
    first = resend(work(ws, by="anna"), "bromma", request_id="web-1")
    again = resend(work(ws, by="anna"), "bromma", request_id="web-1")
    other = resend(work(ws), "bromma")
    assert first.new and not again.new and other.new
    assert again.eml == first.eml and other.eml != first.eml
    assert outbox_keys(ws, "bromma") == sorted([f"request:{ROUND}:bromma", first.key, other.key])
    assert Path(first.eml).exists() and Path(first.docx).exists()
    with pytest.raises(NotFoundError, match="inte mottagare"):
        resend(work(ws), "skarpnack")


def test_withdrawn_file_stops_counting_and_the_previous_version_is_current_again(ws):
    collect(ws, [("v1.docx", c.fill_word(ws, "bromma", " Första."))], IN_TIME)
    [second] = collect(
        ws, [("v2.docx", c.fill_word(ws, "bromma", " Andra."))], IN_TIME + dt.timedelta(hours=1)
    )
    assert second.outcome == "superseded"
    with open_database(ws.database_url).session() as session:
        v2 = session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.version == 2))
    taken = withdraw_file(work(ws, by="anna"), v2.sha256[:10], reason="Fel fil")
    assert (taken.version, taken.was_current, taken.current_version) == (2, True, 1)
    with open_database(ws.database_url).session() as session:
        answers = current_answers(session, ROUND)["bromma"]
        rows = {r.version: (r.status, r.is_current) for r in session.scalars(select(ReceivedFileRow))}
    assert any("Första." in a.text for a in answers.values()) and not any(
        "Andra." in a.text for a in answers.values()
    )
    assert rows == {1: ("accepted", True), 2: ("withdrawn", False)}
    assert Path(v2.stored_path).exists()  # nothing is deleted
    [status] = [s for s in operations.status(work(ws, today=TODAY)) if s.organisation == "bromma"]
    assert status.versions == 1 and status.last_file == "v1.docx"
    with pytest.raises(StateError, match=r"v2.docx \(id \d+, version 2\) är redan tillbakadragen"):
        withdraw_file(work(ws), v2.sha256[:10])  # already withdrawn: said so, nothing changes
    with pytest.raises(NotFoundError, match="Ingen mottagen fil"):
        withdraw_file(work(ws), "finns-inte.docx")
    [again] = collect(ws, [("v2 igen.docx", Path(v2.stored_path).read_bytes())])
    assert again.outcome == "duplicate" and "tillbakadragen" in again.reason
    last = withdraw_file(work(ws), "v1.docx")
    assert last.current_version is None
    assert statuses(ws)["bromma"] == "missing"


def test_unidentified_file_is_attributed_and_read_as_the_organisations(ws):
    [refused] = collect(ws, [("svar.docx", unidentified(ws, "bromma"))])
    assert refused.code == "unidentified"
    show = show_round(work(ws, today=TODAY))
    assert [(q.file, q.attributable) for q in show.quarantined] == [("svar.docx", True)]
    done = attribute_file(work(ws, by="anna"), str(show.quarantined[0].id), "bromma")
    assert (done.organisation, done.outcome, done.version, done.current) == ("bromma", "accepted", 1, True)
    assert Path(done.receipt).exists()
    with open_database(ws.database_url).session() as session:
        answers = current_answers(session, ROUND)["bromma"]
    assert any("bromma svarar" in a.text for a in answers.values())
    [status] = [s for s in operations.status(work(ws, today=TODAY)) if s.organisation == "bromma"]
    assert status.versions == 1 and "Word-svaret har inte kommit in" not in status.empty
    with pytest.raises(NotFoundError, match="Ingen fil i karantän"):
        attribute_file(work(ws), "svar.docx", "bromma")  # no longer in quarantine


def test_forged_file_is_never_attributable(ws):
    forged = c.rewrite(
        c.fill_word(ws, "farsta"), {"docProps/custom.xml": c.replace_bytes(b">farsta<", b">bromma<")}
    )
    [refused] = collect(ws, [("farsta.docx", forged)])
    assert refused.code == "token-mismatch"
    with pytest.raises(StateError, match="kontrollkod"):
        attribute_file(work(ws), "farsta.docx", "bromma")
    with pytest.raises(StateError, match="kontrollkod"):
        attribute_file(work(ws), "farsta.docx", "farsta")


def test_file_marked_for_another_organisation_is_not_attributable_to_a_third(ws):
    word = c.fill_word(ws, "farsta")  # properties with farsta's valid token
    withdraw_recipient(work(ws), "farsta")
    [refused] = collect(ws, [("farsta.docx", word)])
    assert refused.code == "unknown-organisation"
    with pytest.raises(StateError, match="märkt för organisationen 'farsta'"):
        attribute_file(work(ws), "farsta.docx", "bromma")


def test_log_is_readable_with_who_did_what(ws):
    close_round(work(ws, by="anna"))
    reopen_round(work(ws, by="bertil"))
    withdraw_recipient(work(ws, by="anna"), "farsta")
    entries = read_log(work(ws))
    actions = [e.action for e in entries]
    assert actions[0] == "round.created" and "round.issued" in actions
    assert all(not e.text.startswith(e.action) for e in entries), "every step is told in Swedish"
    mine = [(e.actor, e.text) for e in entries if e.action in ("round.closed", "round.reopened")]
    assert mine == [
        ("anna", "Omgången stängdes: inga fler svar tas emot."),
        ("bertil", "Omgången öppnades igen."),
    ]
    farsta = read_log(work(ws), organisation="farsta")
    assert {e.organisation for e in farsta} == {"farsta"}
    assert farsta[-1].text == "Togs bort som mottagare (filerna finns kvar)."
    assert all(e.actor for e in entries)  # the OS user where no one was named
    with pytest.raises(NotFoundError, match="finns inte i katalogen"):
        read_log(work(ws), organisation="atlantis")


def test_who_answers_what_is_the_stored_assignments_not_a_later_catalog(ws):
    before = [a.key for a in work(ws).round.assignments("kultur")]
    with open_database(ws.database_url).session() as session:
        assert session.scalar(select(AssignmentRow).where(AssignmentRow.organisation_id == "kultur"))
        session.get(OrganisationRow, "kultur").group = "stadsdel"  # a later round's catalog moved it
    assert [a.key for a in work(ws).round.assignments("kultur")] == before


def test_unknown_round_is_named(ws):
    with pytest.raises(NotFoundError, match="Omgången 'nope' finns inte"):
        open_work(ws, "nope")


def test_steps_of_a_flow_are_logged_under_the_works_by(ws):
    collect(ws, [("bromma.docx", c.fill_word(ws, "bromma"))], by="webb:anna")
    collect(ws, [("farsta.docx", c.fill_word(ws, "farsta"))])
    accepted = {e.organisation: e.actor for e in read_log(work(ws)) if e.action == "file.accepted"}
    assert accepted["bromma"] == "webb:anna" and accepted["farsta"] not in (None, "webb:anna")


def test_a_pending_file_is_confirmed_by_attribute_and_logged_under_who_did_it(ws):
    collect(ws, [("Brommas svar.docx", c.fill_word(ws, "bromma", " Äkta."))], IN_TIME)
    weak = c.strip_reference(c.strip_properties(c.fill_word(ws, "bromma", " Utan kod.")))
    [pending] = collect(ws, [("remissvar-sh-2016-bromma.docx", weak)], IN_TIME + dt.timedelta(hours=1))
    assert pending.outcome == "pending"
    with pytest.raises(StateError, match="identifierades som bromma, inte farsta"):
        attribute_file(work(ws, by="anna"), "remissvar-sh-2016-bromma.docx", "farsta")
    done = attribute_file(work(ws, by="anna"), "remissvar-sh-2016-bromma.docx", "bromma")
    assert (done.organisation, done.version, done.current, done.outcome) == ("bromma", 2, True, "superseded")
    with open_database(ws.database_url).session() as session:
        answers = current_answers(session, ROUND)["bromma"]
    assert any("Utan kod." in a.text for a in answers.values())
    [entry] = [e for e in read_log(work(ws)) if e.action == "file.confirmed"]
    assert entry.actor == "anna" and "bekräftades" in entry.text
