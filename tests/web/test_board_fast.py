"""The board's fast, SQL-counted statuses equal the statuses computed the old way (every
answer row read), on a round where every state occurs."""

from __future__ import annotations

import dataclasses
import datetime as dt

from tests import reference_status
from tests.web.conftest import ANSWERED, TODAY

from remiss.demo.simulate import simulate_returns
from remiss.services import board, review
from remiss.services.chase.extensions import grant_extension
from remiss.services.context import load_context
from remiss.services.intake.collect import collect_paths
from remiss.services.lifecycle.withdraw import withdraw_file
from remiss.services.status import round_status
from remiss.services.work import open_work
from remiss.store.schema import ReceivedFileRow

ROUND = "sh-2016"


def _every_state(workspace) -> None:
    work = open_work(workspace, ROUND, today=TODAY)
    arrivals = simulate_returns(workspace, work.round)
    for arrival in arrivals[ANSWERED : ANSWERED + 5]:
        collect_paths(work.at(arrival.at), arrival.files)
    after = dt.datetime.combine(work.round.definition.deadline + dt.timedelta(days=3), dt.time(9), dt.UTC)
    collect_paths(work.at(after), arrivals[ANSWERED + 5].files)  # late
    orgs = [a.organisation for a in arrivals]
    with work.db.session() as session:
        first = session.query(ReceivedFileRow).filter_by(organisation_id=orgs[0], status="accepted").first()
        ref = str(first.id)
    withdraw_file(work, ref)
    with work.db.session() as session:
        grant_extension(session, work, orgs[1], TODAY + dt.timedelta(days=20))
        missing = next(o for o in work.round.recipient_ids if o not in orgs)
        grant_extension(session, work, missing, TODAY + dt.timedelta(days=5))
        work = work.reload()
        review.approve(session, work, orgs[2])
        review.request_completion(session, work, orgs[3], "Fyll i 4.1.1.")


def test_board_rows_equal_the_old_per_organisation_status(workspace):
    from remiss.store.database import open_database

    _every_state(workspace)
    with open_database(workspace.database_url).session() as session:
        ctx = load_context(session, ROUND)
        old = reference_status.round_status(session, ctx, TODAY)
        assert [dataclasses.asdict(s) for s in round_status(session, ctx, TODAY)] == [
            dataclasses.asdict(s) for s in old
        ]
        found = review.reviews(session, ROUND)
        fast = board.build_board(session, ctx, TODAY)
    expected = review.apply(old, found)
    assert len(fast.rows) == len(expected)
    for row, want in zip(fast.rows, expected, strict=True):
        got = dataclasses.asdict(row.status)
        assert {k: v for k, v in got.items() if k != "empty"} == {
            k: v for k, v in dataclasses.asdict(want).items() if k != "empty"
        }
        assert row.review == found.get(want.organisation)
    states = {s.status for s in expected}
    assert states == {"missing", "incomplete", "complete"}, states
    assert any(s.late and s.received for s in expected)
    assert sum(1 for s in expected if s.extension) >= 2
    assert len(found) >= 2
    with open_database(workspace.database_url).session() as session:
        assert session.query(ReceivedFileRow).filter_by(round_id=ROUND, status="withdrawn").count() == 1


def test_start_page_counts_equal_the_old_statuses(workspace):
    from collections import Counter

    from remiss.services.lifecycle.views import list_rounds
    from remiss.store.database import open_database

    _every_state(workspace)
    with open_database(workspace.database_url).session() as session:
        old = reference_status.round_status(session, load_context(session, ROUND), TODAY)
    [summary] = list_rounds(workspace, TODAY)
    counted = Counter(s.status for s in old)
    assert summary.counts == {k: counted[k] for k in ("missing", "incomplete", "complete")}
    assert summary.late == sum(1 for s in old if s.late) and summary.recipients == len(old)
