"""The outbox: every message is recorded (a row and its .eml) before it is sent, and marked sent after.

Recording happens in the transaction that decides to write the message (launch, chase,
a refusal), so a message exists exactly once whatever crashes. Sending is a separate
pass, `dispatch`, that any run may do and that is safe to repeat:

1. connect to the SMTP server first: a server that cannot be reached claims nothing;
2. claim one unsent row (an atomic UPDATE with a lease, so two dispatchers never take the
   same row; a dispatcher killed mid-send leaves a lease that expires after `LEASE`);
3. send the stored .eml, then mark the row sent in its own short transaction;
4. on failure, retry transient errors a few times with exponential backoff, then leave the
   row unsent with the error and a `next_attempt_at`, for the next run.

A process killed after the server accepted a message and before the row is marked sent
sends it again on the next run: at-least-once in that window is unavoidable with SMTP.
The resent copy has the same Message-ID (derived from the outbox key), so mail clients
and archives recognise it as the same message.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import TypeVar

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from remiss.domain.calendar import STOCKHOLM
from remiss.errors import DeliveryError
from remiss.mail.compose import write_eml
from remiss.mail.settings import SmtpSettings
from remiss.mail.smtp import SmtpConnection
from remiss.store import audit
from remiss.store.database import Database
from remiss.store.schema import OutboxRow, utcnow

LEASE = dt.timedelta(minutes=5)
RETRY_BASE = dt.timedelta(minutes=5)  # between runs: 5, 10, 20, … minutes
RETRY_CAP = dt.timedelta(hours=6)

T = TypeVar("T")


def record(
    session: Session,
    *,
    key: str,
    kind: str,
    message: EmailMessage,
    path: Path,
    round_id: str | None,
    organisation_id: str | None,
    deliver: bool,
    flush: bool = True,
) -> OutboxRow:
    """Write the .eml and add its outbox row to the caller's transaction.

    The row is flushed (and has its id) unless `flush` is False: a caller storing many
    messages at once lets them go to the database together.
    """
    write_eml(message, path)
    row = OutboxRow(
        key=key,
        kind=kind,
        round_id=round_id,
        organisation_id=organisation_id,
        recipients=addresses(message["To"]),
        cc=addresses(message["Cc"]),
        subject=str(message["Subject"]),
        message_id=str(message["Message-ID"]),
        eml_path=str(path),
        deliver=deliver,
    )
    session.add(row)
    if flush:
        session.flush()
    return row


def addresses(header: str | None) -> list[str]:
    return [addr for _, addr in getaddresses([header])] if header else []


@dataclass
class DispatchReport:
    sent: list[str] = field(default_factory=list)  # outbox keys
    failed: dict[str, str] = field(default_factory=dict)  # key -> Swedish error, still unsent
    refused: dict[str, list[str]] = field(default_factory=dict)  # sent, but these recipients refused
    waiting: dict[str, str] = field(default_factory=dict)  # key -> why it is not going out now (Swedish)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def dispatch(
    db: Database,
    settings: SmtpSettings,
    *,
    round_id: str | None = None,
    now: Callable[[], dt.datetime] = utcnow,
    sleep: Callable[[float], None] = time.sleep,
    tries: int = 3,
    backoff: float = 2.0,
) -> DispatchReport:
    """Send every deliverable, unsent, unclaimed row that is due (of one round, or all)."""
    report = DispatchReport()
    with db.session() as session:
        ids = due_ids(session, now(), round_id)
    if not ids:
        return report
    with SmtpConnection(settings) as smtp:
        try:
            _retrying(smtp.open, tries, backoff, sleep, [0])
        except DeliveryError as exc:
            for row_id in ids:
                report.failed[_fail(db, row_id, str(exc), now(), 1)] = str(exc)
            return report
        for row_id in ids:
            claimed = _claim(db, row_id, now())
            if claimed is not None:
                _deliver(db, smtp, claimed, settings.mail_from, report, now, sleep, tries, backoff)
    return report


def due_ids(session: Session, now: dt.datetime, round_id: str | None = None) -> list[int]:
    query = select(OutboxRow.id).where(
        OutboxRow.deliver.is_(True),
        OutboxRow.sent_at.is_(None),
        or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now),
        or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
    )
    if round_id is not None:
        query = query.where(OutboxRow.round_id == round_id)
    return list(session.scalars(query.order_by(OutboxRow.id)))


def unsent(session: Session, round_id: str | None = None) -> list[OutboxRow]:
    """Rows meant to be sent that are not (yet): what a coordinator should look at."""
    query = select(OutboxRow).where(OutboxRow.deliver.is_(True), OutboxRow.sent_at.is_(None))
    if round_id is not None:
        query = query.where(OutboxRow.round_id == round_id)
    return list(session.scalars(query.order_by(OutboxRow.id)))


def not_going_out(
    session: Session,
    now: dt.datetime,
    *,
    round_id: str | None = None,
    smtp_ready: bool = True,
    skip: set[str] | frozenset[str] = frozenset(),
) -> dict[str, str]:
    """Every unsent message (of one round, or all) and, in Swedish, why it is not going out now.

    Messages recorded without SMTP settings are never sent by remiss (their .eml is the
    record); the others wait for SMTP settings, for their next attempt, or for the run that
    has claimed them. `skip` leaves out the keys a report already gives (failed in this run).
    """
    query = select(OutboxRow).where(OutboxRow.sent_at.is_(None))
    if round_id is not None:
        query = query.where(OutboxRow.round_id == round_id)
    return {
        row.key: _why_waiting(row, now, smtp_ready)
        for row in session.scalars(query.order_by(OutboxRow.id))
        if row.key not in skip
    }


def _why_waiting(row: OutboxRow, now: dt.datetime, smtp_ready: bool) -> str:
    if not row.deliver:
        return f"skrevs utan SMTP-inställningar och skickas aldrig av remiss; skicka {row.eml_path} för hand"
    if not smtp_ready:
        return "väntar på SMTP-inställningar (REMISS_SMTP_HOST eller REMISS_SMTP_BLOCK)"
    if row.claimed_until is not None and row.claimed_until >= now:
        return f"skickas av en annan körning (till {_local(row.claimed_until)})"
    if row.next_attempt_at is not None and row.next_attempt_at > now:
        error = f": {row.last_error}" if row.last_error else ""
        return f"nytt försök {_local(row.next_attempt_at)} (efter {row.attempts} försök){error}"
    return "väntar på nästa sändning"


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class _Claimed:
    id: int
    key: str
    eml_path: str
    recipients: list[str]


def _claim(db: Database, row_id: int, now: dt.datetime) -> _Claimed | None:
    with db.session() as session:
        taken = session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == row_id,
                OutboxRow.sent_at.is_(None),
                or_(OutboxRow.claimed_until.is_(None), OutboxRow.claimed_until < now),
            )
            .values(claimed_until=now + LEASE)
        ).rowcount
        if taken != 1:
            return None
        row = session.get(OutboxRow, row_id)
        assert row is not None
        return _Claimed(row.id, row.key, row.eml_path, list(row.recipients) + list(row.cc))


def _deliver(
    db: Database,
    smtp: SmtpConnection,
    row: _Claimed,
    sender: str,
    report: DispatchReport,
    now: Callable[[], dt.datetime],
    sleep: Callable[[float], None],
    tries: int,
    backoff: float,
) -> None:
    try:
        data = Path(row.eml_path).read_bytes()
    except OSError as exc:
        error = f"E-postfilen {row.eml_path} kan inte läsas: {exc.strerror or exc}"
        report.failed[_fail(db, row.id, error, now(), 1)] = error
        return
    made = [0]
    try:
        refused = _retrying(lambda: smtp.send(data, sender, row.recipients), tries, backoff, sleep, made)
    except DeliveryError as exc:
        report.failed[_fail(db, row.id, str(exc), now(), made[0])] = str(exc)
        return
    _mark_sent(db, row, refused, now(), made[0])
    report.sent.append(row.key)
    if refused:
        report.refused[row.key] = refused


def _retrying(
    action: Callable[[], T], tries: int, backoff: float, sleep: Callable[[float], None], made: list[int]
) -> T:
    """Run `action`, retrying transient failures after backoff, 2×backoff, …; counts tries in `made`."""
    for attempt in range(tries):
        made[0] += 1
        try:
            return action()
        except DeliveryError as exc:
            if not exc.transient or attempt == tries - 1:
                raise
            sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


def _mark_sent(db: Database, row: _Claimed, refused: list[str], now: dt.datetime, tries: int) -> None:
    with db.session() as session:
        stored = session.get(OutboxRow, row.id)
        assert stored is not None
        stored.sent_at = now
        stored.attempts += tries
        stored.claimed_until = None
        stored.last_error = (
            f"Mottagare som inte tog emot meddelandet: {', '.join(refused)}" if refused else None
        )
        audit.record(
            session, "mail.sent", stored.round_id, stored.organisation_id, key=row.key, refused=refused
        )


def _fail(db: Database, row_id: int, error: str, now: dt.datetime, tries: int) -> str:
    """Leave the row unsent with the error; the next run may try again after a backoff."""
    with db.session() as session:
        stored = session.get(OutboxRow, row_id)
        assert stored is not None
        stored.attempts += tries
        stored.last_error = error
        stored.claimed_until = None
        stored.next_attempt_at = now + min(RETRY_BASE * 2 ** (stored.attempts - 1), RETRY_CAP)
        audit.record(
            session, "mail.failed", stored.round_id, stored.organisation_id, key=stored.key, error=error
        )
        return stored.key
