"""Closing a round (nothing more is accepted, nobody is chased) and opening it again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from remiss.domain.calendar import stockholm_today
from remiss.errors import StateError
from remiss.services.lifecycle.store import round_row
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import RoundRow, utcnow


class RoundState(StrEnum):
    CREATED = "created"
    LAUNCHED = "launched"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"created": "skapad", "launched": "utskickad", "closed": "stängd"}[self.value]


def state_of(row: RoundRow) -> RoundState:
    if row.closed_at is not None:
        return RoundState.CLOSED
    return RoundState.LAUNCHED if row.launched_at is not None else RoundState.CREATED


@dataclass(frozen=True)
class StateChange:
    round: str
    state: RoundState
    previous: RoundState
    changed: bool  # False when the round already was in that state
    at: dt.datetime | None  # when it was closed (None once reopened)


def close_round(work: Work) -> StateChange:
    """Close the round: collect and fetch refuse its files, chase writes no reminders."""
    round_id = work.round_id
    with work.db.session() as session:
        row = round_row(session, round_id)
        previous = state_of(row)
        if previous is RoundState.CREATED:
            raise StateError(
                f"Omgången '{round_id}' är inte utskickad än och kan inte stängas. "
                f"Skicka ut den med `remiss round launch {round_id}`."
            )
        if previous is not RoundState.CLOSED:
            row.closed_at = utcnow()
            audit.record(session, "round.closed", round_id, actor=work.by)
        return StateChange(
            round_id, RoundState.CLOSED, previous, previous is not RoundState.CLOSED, row.closed_at
        )


def reopen_round(work: Work) -> StateChange:
    """Open a closed round again: files are taken and reminders written as before."""
    round_id = work.round_id
    with work.db.session() as session:
        row = round_row(session, round_id)
        previous = state_of(row)
        if previous is RoundState.CLOSED:
            row.closed_at = None
            audit.record(session, "round.reopened", round_id, actor=work.by)
        return StateChange(round_id, state_of(row), previous, previous is RoundState.CLOSED, None)


def ensure_open(work: Work) -> None:
    """A StateError, in Swedish, when the round is closed (asked before a flow is started)."""
    round_id = work.round_id
    with work.db.session() as session:
        row = round_row(session, round_id)
        if row.closed_at is not None:
            day = stockholm_today(row.closed_at).isoformat()
            raise StateError(
                f"Omgången '{round_id}' stängdes {day}: inga fler svar tas emot. "
                f"Öppna den igen med `remiss round reopen {round_id}` om svar ändå ska tas emot."
            )
