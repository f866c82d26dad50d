"""The coordinator's decision that an unidentified file in quarantine belongs to an organisation.

Only a file refused because nobody could tell who sent it (`unidentified`, `identity-conflict`,
`unknown-organisation`) can be attributed. The token check stays: a file whose properties or
reference carry a control code that does not match, or that names another organisation or
round, is never attributable. An attributed file is then read and stored like an accepted
file of that organisation (archived, versioned, its answers extracted, a receipt written);
its row is the quarantine row, changed in place, and the quarantined copy is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.documents.evidence import read_evidence
from remiss.documents.excel.reader import read_response_xlsx
from remiss.documents.model import Extracted
from remiss.documents.word.reader import read_response_docx
from remiss.domain.outcomes import FileState, Outcome
from remiss.errors import NotFoundError, RejectedFile, StateError
from remiss.identity import FileIdentity, token_matches
from remiss.services.context import RoundContext, load_context
from remiss.services.files import safe_name, write_atomic
from remiss.services.intake.collect import refuse_if_closed
from remiss.services.intake.pending import confirm_pending
from remiss.services.intake.receipts import write_receipt
from remiss.services.intake.records import has_answers, insert_answers
from remiss.services.lifecycle.received import ATTRIBUTABLE, describe, find_file
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import ReceivedFileRow

BY_COORDINATOR = "samordnare"  # identified_by of an attributed file
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class Attribution:
    round: str
    organisation: str
    file: str
    file_id: int
    outcome: Outcome  # accepted | superseded | incomplete, as collect reports it
    kind: str
    version: int
    current: bool
    late: bool
    receipt: str
    warnings: list[str] = field(default_factory=list)


def attribute_file(work: Work, ref: str, org_id: str) -> Attribution:
    """Store quarantined file `ref` as `org_id`'s; a Swedish StateError when it may not be.

    A pending file (named like its nämnd but without a token, after a verified version came)
    is confirmed instead: it becomes the organisation's current version (see intake/pending.py).
    """
    if _pending(work, ref):
        return _confirm(work, ref, org_id)
    try:
        return _attribute(work, ref, org_id)
    except IntegrityError:  # a collector stored a version of the same organisation meanwhile
        raise StateError(
            f"{ref} kunde inte knytas till {org_id} just nu: en annan insamling sparade samtidigt en fil "
            "från samma förvaltning. Försök igen."
        ) from None


def _pending(work: Work, ref: str) -> bool:
    with work.db.session() as session:
        try:
            find_file(session, work.round_id, ref, status=FileState.PENDING)
        except NotFoundError:
            return False
        return True


def _confirm(work: Work, ref: str, org_id: str) -> Attribution:
    with work.db.session() as session:
        refuse_if_closed(load_context(session, work.round_id))
        row_id = find_file(session, work.round_id, ref, status=FileState.PENDING).id
    done = confirm_pending(work, str(row_id), org_id)
    return Attribution(
        round=work.round_id,
        organisation=done.organisation,
        file=done.file,
        file_id=done.file_id,
        outcome=Outcome.SUPERSEDED if done.version > 1 else Outcome.ACCEPTED,
        kind=done.kind,
        version=done.version,
        current=True,
        late=done.late,
        receipt="",
        warnings=[f"{done.file} väntade på bekräftelse och är nu {done.organisation}s gällande version."],
    )


def _attribute(work: Work, ref: str, org_id: str) -> Attribution:
    round_id = work.round_id
    with work.db.session() as session:
        ctx = load_context(session, round_id)
        refuse_if_closed(ctx)
        row = find_file(session, round_id, ref, status=FileState.REJECTED)
        _check_attributable(ctx, row, org_id)
        data = Path(row.stored_path).read_bytes()
        try:
            kind, extracted = read_as(data, row.original_name, ctx, org_id)
        except RejectedFile as refusal:
            raise StateError(f"{describe(row)} kan inte knytas till {org_id}: {refusal.reason}") from None
        return _store(session, replace(work, round=ctx), row, data, org_id, kind, extracted)


def read_as(data: bytes, name: str, ctx: RoundContext, org_id: str) -> tuple[str, Extracted]:
    """The file's kind and answers read as `org_id`'s; RejectedFile when its identity says otherwise."""
    evidence, package = read_evidence(data, name)
    package.close()
    identity = FileIdentity.from_properties(evidence.properties)
    if identity is not None:
        _check_identity(ctx, name, org_id, identity.round_id, identity.organisation_id)
        if not token_matches(ctx.secret, ctx.round_id, identity.organisation_id, identity.token):
            raise RejectedFile(_forged(name), code="token-mismatch")
    if evidence.reference is not None:
        round_id, named, prefix = evidence.reference
        _check_identity(ctx, name, org_id, round_id, named)
        if not ctx.identity(org_id).token.startswith(prefix):
            raise RejectedFile(_forged(name), code="token-mismatch")
    reader = read_response_docx if evidence.kind == "docx" else read_response_xlsx
    extracted = reader(data, name, ctx.definition, ctx.assignments(org_id))
    return evidence.kind, extracted


def _check_attributable(ctx: RoundContext, row: ReceivedFileRow, org_id: str) -> None:
    if row.reason_code == "token-mismatch":
        raise StateError(
            f"{describe(row)} har en kontrollkod som inte stämmer med organisationen i filen: den har "
            "ändrats eller märkts om och kan aldrig knytas till en organisation. Be nämnden skicka "
            "den mall som skickades till den."
        )
    if row.reason_code not in ATTRIBUTABLE:
        raise StateError(
            f"{describe(row)} avvisades för att den inte går att ta emot, inte för att avsändaren var okänd "
            f"({row.reason}). Bara en fil som inte kunde identifieras kan knytas till en organisation."
        )
    if org_id not in ctx.recipients:
        known = ", ".join(ctx.recipient_ids) or "inga"
        raise NotFoundError(f"'{org_id}' är inte mottagare av omgången '{ctx.round_id}'. Mottagare: {known}.")


def _check_identity(ctx: RoundContext, name: str, org_id: str, round_id: str, named: str) -> None:
    if round_id != ctx.round_id:
        raise RejectedFile(
            f"{name} är märkt för omgången '{round_id}', inte '{ctx.round_id}'.", code="other-round"
        )
    if named != org_id:
        raise RejectedFile(
            f"{name} är märkt för organisationen '{named}', inte '{org_id}'.", code="token-mismatch"
        )


def _forged(name: str) -> str:
    return (
        f"{name} har en kontrollkod som inte stämmer: filen har ändrats eller märkts om och kan "
        "aldrig knytas till en organisation."
    )


def _store(
    session: Session,
    work: Work,
    row: ReceivedFileRow,
    data: bytes,
    org_id: str,
    kind: str,
    extracted: Extracted,
) -> Attribution:
    """The quarantine row becomes an accepted version of `org_id`'s, with answers and receipt."""
    ctx, workspace = work.round, work.workspace
    answered = any(not a.empty for a in extracted.answers) or any(v.raw.strip() for v in extracted.values)
    unchanged = not answered and (kind == "docx" or bool(ctx.assignments(org_id)))
    same = (ReceivedFileRow.round_id == ctx.round_id, ReceivedFileRow.organisation_id == org_id)
    version = (
        session.scalar(select(func.max(ReceivedFileRow.version)).where(*same, ReceivedFileRow.kind == kind))
        or 0
    ) + 1
    current_id = session.scalar(
        select(ReceivedFileRow.id).where(*same, ReceivedFileRow.kind == kind, ReceivedFileRow.is_current)
    )
    becomes_current = not (unchanged and current_id is not None and has_answers(session, current_id))
    if becomes_current and current_id is not None:
        session.execute(
            update(ReceivedFileRow).where(ReceivedFileRow.id == current_id).values(is_current=False)
        )
    other = session.scalar(select(ReceivedFileRow.id).where(*same, ReceivedFileRow.kind != kind).limit(1))
    stored = workspace.archive / ctx.round_id / org_id / f"{row.sha256[:12]}-{safe_name(row.original_name)}"
    write_atomic(stored, data)
    note = f"{row.original_name} knöts till {ctx.organisation(org_id).namnd} av samordnaren."
    previous = {"code": row.reason_code, "reason": row.reason, "stored": row.stored_path}
    row.status, row.organisation_id, row.kind, row.version = FileState.ACCEPTED, org_id, kind, version
    row.stored_path, row.identified_by, row.is_current = str(stored), BY_COORDINATOR, becomes_current
    row.reason, row.reason_code = None, None
    row.late = _day(row.received_at) > ctx.deadline_for(org_id)
    row.warnings = [note, *extracted.warnings]
    session.flush()
    insert_answers(session, [(row.id, extracted)])
    receipt = write_receipt(
        session, work, row, extracted, current=becomes_current, other_received=other is not None
    )
    audit.record(
        session,
        "file.attributed",
        ctx.round_id,
        org_id,
        actor=work.by,
        file=row.original_name,
        file_id=row.id,
        version=version,
        late=row.late,
        previous=previous,
    )
    outcome = Outcome.INCOMPLETE if unchanged else Outcome.ACCEPTED if version == 1 else Outcome.SUPERSEDED
    return Attribution(
        ctx.round_id,
        org_id,
        row.original_name,
        row.id,
        outcome,
        kind,
        version,
        becomes_current,
        row.late,
        str(receipt),
        list(row.warnings),
    )


def _day(when: dt.datetime) -> dt.date:
    return when.astimezone(STOCKHOLM).date()
