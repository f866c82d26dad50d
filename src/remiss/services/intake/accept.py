"""Storing accepted files: a batch in one transaction, or one file at a time when the batch clashes.

Which version is current follows when each file was *sent* (`submitted_at`: a file's
modification time in a folder, a message's arrival from the mailbox), not the order the
workers finish in: a file sent before the current one is kept as a version but does not
become current. A file identified only by its name or headings (no token) never replaces a
token-verified version by itself: it is stored as *pending* (no version number, not
current) until a coordinator confirms it (`pending.confirm_pending`).

The batch is the fast path: one query for the versions already stored, one flush for the
new rows, one executemany for all their answers and values. A clash with another
collector (the same bytes, or a version number taken meanwhile) rolls the whole batch
back, and its files are stored one by one, each retried until its version number is free.
Either way the bytes are archived before the rows that point at them are committed, and
each accepted file gets its receipt in the transaction that stores it. Files received
*together* (`together`: one mail, one page submission or upload) get one receipt per
organisation, saying what that sending brought and what is still missing; a folder's files
are separate sendings that only share a transaction, so each gets its own receipt, telling
its own moment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.domain.outcomes import FileState, Outcome
from remiss.errors import StoreError
from remiss.services.context import RoundContext
from remiss.services.files import safe_name, write_atomic
from remiss.services.intake.examine import Examined
from remiss.services.intake.identify import VERIFIED
from remiss.services.intake.pending import pending_reason
from remiss.services.intake.receipts import Part, write_joint_receipt
from remiss.services.intake.received import CollectResult, Incoming, earlier, raced, shown
from remiss.services.intake.records import has_answers, insert_answers
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import ReceivedFileRow

STOCKHOLM = ZoneInfo("Europe/Stockholm")
_VERSION_RETRIES = 5
Ready = tuple[Incoming, Examined]


@dataclass
class _Slot:
    """One organisation's files of one kind: the highest version and which file is current."""

    version: int = 0
    current_id: int | None = None  # a stored row
    current_row: ReceivedFileRow | None = None  # or a row of this batch
    current_answered: bool | None = None  # known for a row of this batch; asked of the store otherwise
    current_sent: dt.datetime | None = None  # when the current file was sent (orders the versions)
    verified: bool = False  # a token-verified version of this kind was accepted

    def is_newer(self, sent: dt.datetime | None) -> bool:
        """Whether a file sent at `sent` is at least as new as the current one (ties: the later stored)."""
        return self.current_sent is None or sent is None or sent >= self.current_sent

    def has_answered_current(self, session: Session) -> bool:
        if self.current_row is not None:
            return bool(self.current_answered)
        return self.current_id is not None and has_answers(session, self.current_id)

    def replace_current(
        self, session: Session, row: ReceivedFileRow, answered: bool, sent: dt.datetime | None
    ) -> None:
        if self.current_row is not None:
            self.current_row.is_current = False
        elif self.current_id is not None:
            session.execute(
                update(ReceivedFileRow).where(ReceivedFileRow.id == self.current_id).values(is_current=False)
            )
        self.current_id, self.current_row, self.current_answered = None, row, answered
        self.current_sent = sent


def store_accepted(
    work: Work, batch: list[Ready], sender: str | None, *, channel: str | None = None, together: bool = False
) -> list[CollectResult]:
    """Archive and store `batch` (in the order given, so a later version supersedes an earlier).

    `together`: the files were sent together, so each organisation's get one receipt.
    """
    archived = [_archive(work, item, examined) for item, examined in batch]
    if len(batch) > 1:
        try:
            with work.db.session() as session:
                results = _store_together(session, work, batch, archived, sender, channel, together)
            return results
        except IntegrityError:
            pass  # another collector got there first for some file: settle them one by one
    return [
        _store_alone(work, item, examined, stored, sender, channel)
        for (item, examined), stored in zip(batch, archived, strict=True)
    ]


def _archive(work: Work, item: Incoming, examined: Examined) -> Path:
    org_id = examined.identified.organisation_id
    stored = work.workspace.archive / work.round_id / org_id / f"{item.digest[:12]}-{safe_name(item.name)}"
    write_atomic(stored, item.data)
    return stored


def _store_together(
    session: Session,
    work: Work,
    batch: list[Ready],
    archived: list[Path],
    sender: str | None,
    channel: str | None = None,
    together: bool = False,
) -> list[CollectResult]:
    ctx = work.round
    slots, kinds = _ledger(session, ctx.round_id, {e.identified.organisation_id for _, e in batch})
    placed: list[tuple[ReceivedFileRow, bool, bool]] = []  # row, current when stored, other kind in
    for (item, examined), stored in zip(batch, archived, strict=True):
        org_id, kind = examined.identified.organisation_id, examined.kind
        slot = slots[(org_id, kind)]
        verified = examined.identified.identified_by in VERIFIED
        if not verified and slot.verified:
            row = _row(ctx, item, examined, stored, None, False, sender)
            row.status, row.reason = FileState.PENDING, pending_reason(ctx, org_id)
            row.reason_code = "pending"
            placed.append((row, False, any(k != kind for k in kinds[org_id])))
            continue
        sent = item.submitted_at  # None: not known, so it counts as the newest (as before 0005)
        becomes_current = slot.is_newer(sent) and not (
            examined.unchanged and slot.has_answered_current(session)
        )
        slot.version += 1
        slot.verified = slot.verified or verified
        row = _row(ctx, item, examined, stored, slot.version, becomes_current, sender)
        row.channel = channel
        if becomes_current:
            slot.replace_current(session, row, not examined.unchanged, sent)
        placed.append((row, becomes_current, any(k != kind for k in kinds[org_id])))
        kinds[org_id].add(kind)
    session.add_all(row for row, _, _ in placed)
    session.flush()
    answered = zip(placed, batch, strict=True)
    insert_answers(session, [(row.id, examined.extracted) for (row, _, _), (_, examined) in answered])
    receipts = _write_receipts(session, work, placed, batch, together)
    return [
        _finish(session, work, item, examined, row, current, receipt)
        for (row, current, _), (item, examined), receipt in zip(placed, batch, receipts, strict=True)
    ]


def _write_receipts(
    session: Session,
    work: Work,
    placed: list[tuple[ReceivedFileRow, bool, bool]],
    batch: list[Ready],
    together: bool,
) -> list[Path]:
    """Each file's receipt: its own, or with `together` one per organisation for all its files here.

    `current` is whether a file became current when stored: a later file of the same batch
    may supersede it before the batch commits, but a receipt tells the moment it speaks of.
    """
    groups: defaultdict[object, list[int]] = defaultdict(list)
    for index, (row, _, _) in enumerate(placed):
        groups[row.organisation_id if together else index].append(index)
    paths: dict[int, Path] = {}
    for members in groups.values():
        parts = []
        for index in members:
            row, current, _ = placed[index]
            examined = batch[index][1]
            older = not current and not examined.unchanged and row.status == FileState.ACCEPTED
            parts.append(Part(row, examined.extracted, current, older))
        other_received = any(placed[index][2] for index in members)
        path = write_joint_receipt(session, work, parts, other_received=other_received)
        paths |= dict.fromkeys(members, path)
    return [paths[index] for index in range(len(placed))]


def _ledger(
    session: Session, round_id: str, org_ids: set[str]
) -> tuple[defaultdict[tuple[str, str], _Slot], defaultdict[str, set[str]]]:
    """What is stored for these organisations: a slot per (organisation, kind), and the kinds each sent."""
    slots: defaultdict[tuple[str, str], _Slot] = defaultdict(_Slot)
    kinds: defaultdict[str, set[str]] = defaultdict(set)
    rows = session.execute(
        select(
            ReceivedFileRow.id,
            ReceivedFileRow.organisation_id,
            ReceivedFileRow.kind,
            ReceivedFileRow.version,
            ReceivedFileRow.is_current,
            ReceivedFileRow.status,
            ReceivedFileRow.identified_by,
            ReceivedFileRow.submitted_at,
            ReceivedFileRow.received_at,
        ).where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.organisation_id.in_(org_ids))
    ).all()
    for row in rows:
        if row.status != FileState.ACCEPTED:
            continue  # a pending file counts for nothing until it is confirmed
        slot = slots[(row.organisation_id, row.kind)]
        slot.version = max(slot.version, row.version or 0)
        slot.verified = slot.verified or row.identified_by in VERIFIED
        if row.is_current:
            slot.current_id, slot.current_sent = row.id, row.submitted_at
        kinds[row.organisation_id].add(row.kind)
    return slots, kinds


def _store_alone(
    work: Work,
    item: Incoming,
    examined: Examined,
    stored: Path,
    sender: str | None,
    channel: str | None = None,
) -> CollectResult:
    """One file in its own transaction, retried while another collector takes its version number."""
    for _attempt in range(_VERSION_RETRIES):
        try:
            with work.db.session() as session:
                result = _store_together(session, work, [(item, examined)], [stored], sender, channel)[0]
            return result
        except IntegrityError:
            if earlier(work.db, item.digest) is not None:
                return raced(work.db, item, stored)
    raise StoreError(f"{item.name} kunde inte sparas: versionsnumret krockade upprepade gånger.")


def _row(
    ctx: RoundContext,
    item: Incoming,
    examined: Examined,
    stored: Path,
    version: int | None,
    current: bool,
    sender: str | None,
) -> ReceivedFileRow:
    org_id = examined.identified.organisation_id
    return ReceivedFileRow(
        sha256=item.digest,
        original_name=item.name,
        size=len(item.data),
        kind=examined.kind,
        round_id=ctx.round_id,
        organisation_id=org_id,
        received_at=item.received_at,
        submitted_at=item.submitted_at,
        stored_path=str(stored),
        status=FileState.ACCEPTED,
        identified_by=examined.identified.identified_by,
        version=version,
        is_current=current,
        late=item.received_at.astimezone(STOCKHOLM).date() > ctx.deadline_for(org_id),
        sender=sender,
        warnings=examined.extracted.warnings,
    )


def _finish(
    session: Session,
    work: Work,
    item: Incoming,
    examined: Examined,
    row: ReceivedFileRow,
    current: bool,
    receipt: Path,
) -> CollectResult:
    """The audit entry of a stored row, and the line the report prints for it (with its receipt)."""
    audit.record(
        session,
        "file.pending" if row.status == FileState.PENDING else "file.accepted",
        work.round_id,
        row.organisation_id,
        actor=work.by,
        file=item.name,
        version=row.version,
        late=row.late,
    )
    if row.status == FileState.PENDING:
        outcome, reason = Outcome.PENDING, row.reason
    elif examined.unchanged:
        outcome = Outcome.INCOMPLETE
        reason = "Inga svar är ifyllda; filen räknas som ofullständig." + (
            "" if current else " Den tidigare versionen med svar gäller fortfarande."
        )
    elif row.version == 1:
        outcome, reason = Outcome.ACCEPTED, None
    elif not current:
        outcome = Outcome.SUPERSEDED
        reason = (
            f"Version {row.version}; den skickades före den gällande versionen, som därför fortsätter "
            "att gälla."
        )
    else:
        outcome, reason = (
            Outcome.SUPERSEDED,
            f"Ny version {row.version}; tidigare version finns kvar i arkivet.",
        )
    return CollectResult(
        shown(item.path),
        outcome,
        row.organisation_id,
        reason,
        row.kind,
        row.version,
        row.late,
        examined.extracted.warnings,
        examined.identified.identified_by,
        receipt=str(receipt),
        problems=[v.problem for v in examined.extracted.values if v.problem],
    )
