"""What a collection says about each file, and what it knows of a file between reading and storing."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from remiss.domain.outcomes import FileState, Outcome
from remiss.services.files import as_text, display_name
from remiss.services.intake.records import describe_duplicate
from remiss.store.database import Database
from remiss.store.schema import ReceivedFileRow

SIDECAR = ".skal.txt"


@dataclass
class CollectResult:
    """One line of `remiss collect`'s report."""

    file: str
    outcome: Outcome
    organisation: str | None = None
    reason: str | None = None
    kind: str | None = None
    version: int | None = None
    late: bool = False
    warnings: list[str] = field(default_factory=list)
    identified_by: str | None = None  # egenskaper | referens | filnamn | rubriker
    code: str | None = None  # the refusal's code when rejected
    receipt: str | None = None  # the kvittens .eml written for an accepted file
    earlier_state: FileState | None = None  # a duplicate's stored file: accepted, refused or withdrawn
    # Excel values the check refused, each naming value, column and åtgärd: the very words the
    # store keeps (values.problem) and the organisation's page and the receipt show.
    problems: list[str] = field(default_factory=list)


@dataclass
class Incoming:
    """A file read and hashed, not yet stored."""

    path: Path
    name: str
    data: bytes
    digest: str
    received_at: dt.datetime
    submitted_at: dt.datetime | None = None  # when it was sent: orders the versions (see accept.py)


def earlier(db: Database, digest: str) -> ReceivedFileRow | None:
    """The stored file with these bytes, if any."""
    with db.session() as session:
        return session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.sha256 == digest))


def duplicate(path: Path, first: ReceivedFileRow) -> CollectResult:
    return CollectResult(
        shown(path),
        Outcome.DUPLICATE,
        first.organisation_id,
        describe_duplicate(first),
        first.kind,
        identified_by=first.identified_by,
        earlier_state=FileState(first.status),
    )


def raced(db: Database, item: Incoming, ours: Path) -> CollectResult:
    """Another collector stored the same bytes between our check and our insert."""
    first = earlier(db, item.digest)
    if first is None:
        return CollectResult(
            shown(item.path), Outcome.DUPLICATE, reason="Filen togs emot samtidigt av en annan insamling."
        )
    if first.stored_path != str(ours):  # the same bytes under another name: keep one copy
        ours.unlink(missing_ok=True)
        ours.with_name(ours.name + SIDECAR).unlink(missing_ok=True)
    return duplicate(item.path, first)


def same_run(path: Path, first: CollectResult) -> CollectResult:
    """A file that repeats the bytes of an earlier path of this run: one submission, reported once."""
    first_name = display_name(unicodedata.normalize("NFC", Path(first.file).name))
    how = first.outcome.label
    return CollectResult(
        shown(path),
        Outcome.DUPLICATE,
        first.organisation,
        f"Samma fil som {first_name} i den här insamlingen ({how}).",
        first.kind,
        identified_by=first.identified_by,
        earlier_state=first.earlier_state
        or (FileState.REJECTED if first.outcome is Outcome.REJECTED else FileState.ACCEPTED),
    )


def shown(path: Path) -> str:
    """A path as text for reports and JSON (bytes that are not UTF-8 replaced)."""
    return as_text(str(path))
