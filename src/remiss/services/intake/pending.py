"""Pending versions: a file that names its nämnd without a token, after a token-verified version came.

Anyone who knows the naming scheme can mail `remissvar-sh-2016-bromma.docx`; such a file must
never replace Bromma's verified answer by itself. It is stored with its answers as a row with
status `pending` (no version number, not current) and becomes a version only when a
coordinator confirms it: `confirm_pending`, called by `remiss attribute` and the desk.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from remiss.domain.outcomes import FileState
from remiss.errors import NotFoundError, StateError, StoreError
from remiss.services.context import RoundContext
from remiss.services.files import display_name
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import ReceivedFileRow

_RETRIES = 5


@dataclass
class Confirmed:
    """A pending file made a version: it is now the organisation's current file of its kind."""

    file: str  # the name it was sent under (cleaned for display)
    sha256: str
    organisation: str
    kind: str
    version: int
    file_id: int = 0  # the row's id, as `remiss round files` shows it
    late: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class PendingFile:
    """A file waiting for a coordinator, as the status shows it."""

    file: str
    sha256: str
    organisation: str
    kind: str
    received: str  # ISO time


def pending_reason(ctx: RoundContext, org_id: str) -> str:
    """Why a file waits (Swedish; for the collect report, the receipt and the status)."""
    return (
        f"Filen saknar remissens kontrollkod och identifierades bara genom filnamn eller rubriker som "
        f"{ctx.organisation(org_id).namnd}, som redan har lämnat en verifierad version. Den ersätter inte "
        "den verifierade versionen förrän samordnaren bekräftar den (remiss attribute)."
    )


def pending_files(work: Work) -> list[PendingFile]:
    """Every file of the round waiting for confirmation, oldest first."""
    round_id = work.round_id
    with work.db.session() as session:
        rows = session.scalars(
            select(ReceivedFileRow)
            .where(ReceivedFileRow.round_id == round_id, ReceivedFileRow.status == FileState.PENDING)
            .order_by(ReceivedFileRow.received_at, ReceivedFileRow.id)
        ).all()
        return [
            PendingFile(
                display_name(r.original_name),
                r.sha256,
                r.organisation_id or "",
                r.kind or "",
                r.received_at.isoformat(timespec="minutes"),
            )
            for r in rows
        ]


def confirm_pending(work: Work, file: str, organisation_id: str | None = None) -> Confirmed:
    """Make the pending file `file` the organisation's current version of its kind.

    `file` is the file's id, its sha256 or a prefix of it (at least 6 characters, as the
    archive's file names show), or the name it was sent under. `organisation_id`, when given, must be
    the organisation the file was identified as (its answers were read for that
    organisation's åtgärder). The audit log names `work.by` as the one who confirmed. Raises
    NotFoundError / StateError with a Swedish message otherwise.
    """
    ctx = work.round
    for _attempt in range(_RETRIES):
        try:
            with work.db.session() as session:
                row = _find(session, ctx.round_id, file)
                org_id = row.organisation_id or ""
                if organisation_id is not None and organisation_id != org_id:
                    raise StateError(
                        f"{display_name(row.original_name)} identifierades som {org_id}, inte "
                        f"{organisation_id}; en väntande fil kan bara bekräftas för den organisation "
                        "vars åtgärder lästes ur den."
                    )
                same = (
                    ReceivedFileRow.round_id == ctx.round_id,
                    ReceivedFileRow.organisation_id == org_id,
                    ReceivedFileRow.kind == row.kind,
                )
                top = session.scalar(select(func.max(ReceivedFileRow.version)).where(*same)) or 0
                session.execute(
                    update(ReceivedFileRow).where(*same, ReceivedFileRow.is_current).values(is_current=False)
                )
                row.status, row.reason, row.reason_code = FileState.ACCEPTED, None, None
                row.version, row.is_current = top + 1, True
                session.flush()
                audit.record(
                    session,
                    "file.confirmed",
                    ctx.round_id,
                    org_id,
                    actor=work.by,
                    file=row.original_name,
                    sha256=row.sha256,
                    version=row.version,
                )
                return Confirmed(
                    display_name(row.original_name),
                    row.sha256,
                    org_id,
                    row.kind or "",
                    row.version,
                    row.id,
                    row.late,
                )
        except IntegrityError:
            continue  # another collector took the version number meanwhile
    raise StoreError(f"{file} kunde inte bekräftas: versionsnumret krockade upprepade gånger.")


def _find(session, round_id: str, file: str) -> ReceivedFileRow:  # type: ignore[no-untyped-def]
    text = file.strip()
    query = select(ReceivedFileRow).where(ReceivedFileRow.round_id == round_id)
    rows: list[ReceivedFileRow] = []
    if text.isdigit():  # the row's id, as `remiss attribute` and the desk show it
        rows = list(session.scalars(query.where(ReceivedFileRow.id == int(text))))
    if not rows and len(text) >= 6 and all(c in "0123456789abcdef" for c in text.lower()):
        rows = list(session.scalars(query.where(ReceivedFileRow.sha256.startswith(text.lower()))))
    if not rows:
        rows = list(session.scalars(query.where(ReceivedFileRow.original_name == text)))
    if not rows:
        raise NotFoundError(f"Ingen inkommen fil i omgången {round_id} heter eller börjar på '{text}'.")
    waiting = [r for r in rows if r.status == FileState.PENDING]
    if not waiting:
        raise StateError(
            f"{display_name(rows[0].original_name)} väntar inte på bekräftelse "
            f"(den är {'avvisad' if rows[0].status == FileState.REJECTED else 'redan mottagen'})."
        )
    if len(waiting) > 1:
        raise StateError(
            f"'{text}' passar {len(waiting)} väntande filer; ange filens sha256 (som i arkivets filnamn)."
        )
    return waiting[0]
