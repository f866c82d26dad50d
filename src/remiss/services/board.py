"""The board of one round: one row per organisation, filtered, sorted and counted for the desk.

Built from `round_status` (what `remiss status` shows) and the review decisions, so the
board and the CLI never disagree about an organisation's status.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from remiss.domain.collation import swedish_key
from remiss.services import review
from remiss.services.context import RoundContext
from remiss.services.status import OrganisationStatus, round_status

SORTS = {
    "namn": "Förvaltning",
    "grupp": "Grupp",
    "status": "Status",
    "senast": "Senaste fil",
    "paminnelser": "Påminnelser",
}
_STATUS_ORDER = {"missing": 0, "incomplete": 1, "complete": 2}


@dataclass
class BoardRow:
    status: OrganisationStatus
    review: review.Review | None


@dataclass
class Board:
    rows: list[BoardRow]
    counts: dict[str, int]  # per status, over the whole round (not the filter)
    total: int
    groups: list[str]
    late: int
    reviews: dict[str, int] = field(default_factory=dict)


def build_board(
    session: Session,
    ctx: RoundContext,
    today: dt.date,
    *,
    group: str | None = None,
    status: str | None = None,
    sort: str = "grupp",
    descending: bool = False,
) -> Board:
    found = review.reviews(session, ctx.round_id)
    statuses = review.apply(round_status(session, ctx, today, named=False), found)
    rows = [BoardRow(s, found.get(s.organisation)) for s in statuses]
    counts = Counter(s.status for s in statuses)
    board = Board(
        rows=[],
        counts={k: counts.get(k, 0) for k in ("missing", "incomplete", "complete")},
        total=len(statuses),
        groups=list(dict.fromkeys(s.group for s in statuses)),
        late=sum(1 for s in statuses if s.late),
        reviews=dict(Counter(r.label for r in found.values())),
    )
    if group:
        rows = [r for r in rows if r.status.group == group]
    if status:
        rows = [r for r in rows if r.status.status == status]
    if sort != "grupp":  # the status order (group, then Swedish alphabetical) is the default
        rows.sort(key=_sort_key(sort), reverse=descending)
    elif descending:
        rows.reverse()
    board.rows = rows
    return board


def _sort_key(sort: str):  # type: ignore[no-untyped-def]
    if sort == "status":
        return lambda r: _STATUS_ORDER[r.status.status]
    if sort == "senast":
        return lambda r: r.status.last_received or ""
    if sort == "paminnelser":
        return lambda r: r.status.reminders
    return lambda r: swedish_key(r.status.name)
