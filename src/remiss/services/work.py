"""One value for a piece of work on a round: where it is kept, which round, what time it is,
whether mail goes out, and who asked.

Every service that does something to a round takes a `Work` first instead of the same
database, workspace, round, clock and delivery flag one by one. It is made once per
command or Prefect task (`open_work`), from ids that serialise, so flows still pass
only a home folder and a round id between tasks.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass, field, replace

from remiss.domain.calendar import STOCKHOLM, stockholm_today
from remiss.mail.settings import smtp_configured
from remiss.services.context import RoundContext, load_context
from remiss.settings import Workspace
from remiss.store.database import Database, open_database


def current_user() -> str:
    """Who is doing the work when no one is named: the operating system's user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a bare container)
        return "okänd"


@dataclass(frozen=True)
class Work:
    """The context of one piece of work; frozen, so a task can hand it on without surprises."""

    workspace: Workspace
    db: Database
    round: RoundContext
    deliver: bool = False  # record outgoing mail for SMTP delivery (else the .eml is the record)
    now: dt.datetime | None = None  # a fixed clock (tests, replays, the demo); None: the real time
    by: str = field(default_factory=current_user)  # who asked, for the audit log

    @property
    def round_id(self) -> str:
        return self.round.round_id

    def moment(self) -> dt.datetime:
        """The time the work happens at: the fixed clock, or now (aware, UTC)."""
        return self.now or dt.datetime.now(dt.UTC)

    def local_now(self) -> dt.datetime:
        """The time in Stockholm, as a draft stamp prints it (a naive fixed clock is taken as is)."""
        moment = self.moment()
        return moment.astimezone(STOCKHOLM) if moment.tzinfo else moment

    @property
    def today(self) -> dt.date:
        """The day in Stockholm that reminders, late flags and status count from."""
        if self.now is None:
            return stockholm_today()
        return stockholm_today(self.now) if self.now.tzinfo else self.now.date()

    def at(self, now: dt.datetime | None) -> Work:
        """The same work with its clock set to `now` (e.g. a mail's arrival)."""
        return replace(self, now=now)

    def reload(self) -> Work:
        """The same work with the round read again from the store (after launch, extend, …)."""
        with self.db.session() as session:
            return replace(self, round=load_context(session, self.round_id))


def open_work(
    workspace: Workspace,
    round_id: str,
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    deliver: bool | None = None,
    by: str | None = None,
) -> Work:
    """Work on `round_id`: the round is read once here. `today` sets the clock to that day at noon
    in Stockholm; `deliver` defaults to whether SMTP is configured."""
    if today is not None and now is None:
        now = dt.datetime.combine(today, dt.time(12, 0), STOCKHOLM)
    db = open_database(workspace.database_url)
    with db.session() as session:
        ctx = load_context(session, round_id)
    return Work(
        workspace,
        db,
        ctx,
        deliver=smtp_configured() if deliver is None else deliver,
        now=now,
        by=by or current_user(),
    )
