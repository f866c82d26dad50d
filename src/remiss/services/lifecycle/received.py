"""Finding one received file of a round by what a coordinator can see of it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from remiss.domain.outcomes import FileState
from remiss.errors import NotFoundError
from remiss.services.work import Work
from remiss.store.schema import ReceivedFileRow

# Refusal codes that say only that nobody could tell who sent the file: a coordinator may decide.
ATTRIBUTABLE = frozenset({"unidentified", "identity-conflict", "unknown-organisation"})
_HEX = re.compile(r"^[0-9a-f]{6,64}$")


def find_file(session: Session, round_id: str, ref: str, status: str | None = None) -> ReceivedFileRow:
    """The file `ref` names: its id, a sha256 prefix (6+ hex digits), its stored or original name.

    `status` narrows the search (accepted, rejected); several matches are an error that lists them.
    """
    wanted = unicodedata.normalize("NFC", ref.strip())
    query = select(ReceivedFileRow).where(ReceivedFileRow.round_id == round_id)
    if status is not None:
        query = query.where(ReceivedFileRow.status == status)
    rows = list(session.scalars(query.order_by(ReceivedFileRow.id)))
    found = [r for r in rows if wanted.isdigit() and r.id == int(wanted)]
    if not found and _HEX.match(wanted.lower()):
        found = [r for r in rows if r.sha256.startswith(wanted.lower())]
    if not found:
        name = Path(wanted).name
        found = [r for r in rows if name in (Path(r.stored_path).name, r.original_name)]
    if len(found) == 1:
        return found[0]
    what = {"accepted": "mottagen fil", "rejected": "fil i karantän"}.get(str(status or ""), "fil")
    if not found:
        raise NotFoundError(
            f"Ingen {what} i omgången '{round_id}' heter eller börjar med '{ref}'. Ange filens id, "
            "början av dess sha256 eller dess namn i arkivet eller karantänen (se `remiss round files`)."
        )
    listed = "; ".join(f"id {r.id}: {Path(r.stored_path).name}" for r in found[:10])
    raise NotFoundError(
        f"'{ref}' passar {len(found)} filer i omgången '{round_id}': {listed}. Ange filens id."
    )


def describe(row: ReceivedFileRow) -> str:
    """'Brommas svar.docx (id 12, version 2)' for messages."""
    version = f", version {row.version}" if row.version else ""
    return f"{row.original_name} (id {row.id}{version})"


@dataclass(frozen=True)
class ReceivedFile:
    """One received file as the coordinator picks it for `withdraw` or `attribute`."""

    id: int
    file: str  # the name it was sent under
    stored: str  # its name in archive/ or quarantine/
    sha256: str
    organisation: str | None
    kind: str | None
    version: int | None
    status: FileState  # accepted | rejected | withdrawn
    current: bool
    late: bool
    received_at: dt.datetime
    identified_by: str | None
    code: str | None  # the refusal's code
    reason: str | None
    attributable: bool  # in quarantine only because nobody could tell who sent it


def list_files(work: Work, organisation: str | None = None) -> list[ReceivedFile]:
    """Every file received for the round (of one organisation, when given), in the order received."""
    round_id = work.round_id
    with work.db.session() as session:
        query = select(ReceivedFileRow).where(ReceivedFileRow.round_id == round_id)
        if organisation is not None:
            query = query.where(ReceivedFileRow.organisation_id == organisation)
        rows = session.scalars(query.order_by(ReceivedFileRow.received_at, ReceivedFileRow.id)).all()
        return [
            ReceivedFile(
                r.id,
                r.original_name,
                Path(r.stored_path).name,
                r.sha256,
                r.organisation_id,
                r.kind,
                r.version,
                FileState(r.status),
                r.is_current,
                r.late,
                r.received_at,
                r.identified_by,
                r.reason_code,
                r.reason,
                r.status == FileState.REJECTED and r.reason_code in ATTRIBUTABLE,
            )
            for r in rows
        ]
