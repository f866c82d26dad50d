"""Collecting returned files: read, examine (in a bounded worker), keep, record — one transaction per file.

Invariants: the original bytes are kept (archive or quarantine) before the row that
points at them is committed; a file's sha256 is unique, so a rerun after a crash, the
same file under two names, or two collectors at once all end with one row per file.
Every accepted file gets a receipt (kvittens) recorded in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import unicodedata
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from remiss.documents.package import Limits, check_size
from remiss.errors import RejectedFile, StoreError
from remiss.services.context import RoundContext
from remiss.services.examine import Examined
from remiss.services.files import safe_name, sha256, write_atomic
from remiss.services.intake_pool import IntakePool, shared_pool
from remiss.services.receipts import write_receipt
from remiss.services.records import describe_duplicate, has_answers, insert_answers
from remiss.settings import Workspace
from remiss.store import audit
from remiss.store.database import Database
from remiss.store.schema import ReceivedFileRow, utcnow

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SIDECAR = ".skal.txt"
_VERSION_RETRIES = 5
_OUTCOME_SV = {
    "accepted": "mottagen",
    "superseded": "ny version",
    "incomplete": "ofullständig",
    "duplicate": "dubblett",
    "rejected": "avvisad",
}


@dataclass
class CollectResult:
    """One line of `remiss collect`'s report."""

    file: str
    outcome: str  # accepted | superseded | incomplete | duplicate | rejected
    organisation: str | None = None
    reason: str | None = None
    kind: str | None = None
    version: int | None = None
    late: bool = False
    warnings: list[str] = field(default_factory=list)
    identified_by: str | None = None  # egenskaper | referens | filnamn | rubriker
    code: str | None = None  # the refusal's code when rejected
    receipt: str | None = None  # the kvittens .eml written for an accepted file


@dataclass
class _Incoming:
    path: Path
    name: str
    data: bytes
    digest: str
    received_at: dt.datetime


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus every file under given folders, oldest first.

    Any name is taken (NFD from macOS, spaces, upper case): the content decides what a file
    is. Dot files and Office lock files (~$…) are never submissions and are skipped.
    """
    found: list[Path] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        found += [p for p in candidates if not p.name.startswith((".", "~$"))]
    return sorted(dict.fromkeys(found), key=lambda p: (p.stat().st_mtime, str(p)))


def collect_file(
    db: Database,
    workspace: Workspace,
    ctx: RoundContext,
    path: Path,
    now: dt.datetime | None = None,
    *,
    pool: IntakePool | None = None,
    sender: str | None = None,
) -> CollectResult:
    return collect_paths(db, workspace, ctx, [path], now, pool=pool, sender=sender)[0]


def collect_paths(
    db: Database,
    workspace: Workspace,
    ctx: RoundContext,
    paths: list[Path],
    now: dt.datetime | None = None,
    *,
    pool: IntakePool | None = None,
    sender: str | None = None,
) -> list[CollectResult]:
    """One result per path, in the order given; files are examined in the pool's workers.

    Files are examined in parallel but stored in the order given (oldest first, from
    expand_paths), so the later of two versions in one run is the one that becomes current.
    """
    results: dict[int, CollectResult] = {}
    pending: dict[int, _Incoming] = {}
    seen: dict[str, tuple[int, str]] = {}  # sha256 -> (index, name) of its first path in this run
    same: dict[int, int] = {}  # index of a repeated file -> index of its first occurrence
    order: deque[int] = deque()  # indices sent to the pool, in the order given
    examined: dict[int, Examined | RejectedFile] = {}

    def incoming() -> Iterator[tuple[int, bytes, str]]:
        for index, path in enumerate(paths):
            item = _receive(db, workspace, ctx, path, now or utcnow(), seen, index)
            if isinstance(item, int):
                same[index] = item
            elif isinstance(item, CollectResult):
                results[index] = item
            else:
                pending[index] = item
                order.append(index)
                yield index, item.data, item.name

    for index, outcome in (pool or shared_pool()).examine_all(ctx, incoming()):
        examined[index] = outcome
        while order and order[0] in examined:
            first = order.popleft()
            item, done = pending.pop(first), examined.pop(first)
            if isinstance(done, RejectedFile):
                results[first] = _quarantine(db, workspace, ctx, item, done, item.data)
            else:
                results[first] = _accept(db, workspace, ctx, item, done, sender)
    for index, first in same.items():
        results[index] = _same_run(paths[index], results[first])
    return [results[index] for index in range(len(paths))]


def _receive(
    db: Database,
    workspace: Workspace,
    ctx: RoundContext,
    path: Path,
    received_at: dt.datetime,
    seen: dict[str, tuple[int, str]],
    index: int,
) -> _Incoming | CollectResult | int:
    """Read and hash one file; a duplicate or an oversized file is settled here.

    Returns the index of the first path with the same bytes when the file repeats one of this run.
    """
    name = unicodedata.normalize("NFC", path.name)
    try:
        size = path.stat().st_size
        limits = Limits.from_env()
        if size > limits.max_file_bytes:
            digest = _hash_file(path)
            if digest in seen:
                return seen[digest][0]
            seen[digest] = (index, name)
            item = _Incoming(path, name, b"", digest, received_at)
            earlier = _earlier(db, digest)
            if earlier is not None:
                return _duplicate(path, earlier)
            try:
                check_size(size, name, limits)
            except RejectedFile as refusal:
                return _quarantine(db, workspace, ctx, item, refusal, path)
        data = path.read_bytes()
    except OSError as exc:
        return CollectResult(
            str(path), "rejected", reason=f"{name} kunde inte läsas från disken ({exc.strerror}).", code="io"
        )
    digest = sha256(data)
    if digest in seen:
        return seen[digest][0]
    seen[digest] = (index, name)
    earlier = _earlier(db, digest)
    if earlier is not None:
        return _duplicate(path, earlier)
    return _Incoming(path, name, data, digest, received_at)


def _accept(
    db: Database,
    workspace: Workspace,
    ctx: RoundContext,
    item: _Incoming,
    examined: Examined,
    sender: str | None,
) -> CollectResult:
    org_id, kind, extracted = examined.identified.organisation_id, examined.kind, examined.extracted
    stored = workspace.archive / ctx.round_id / org_id / f"{item.digest[:12]}-{safe_name(item.name)}"
    write_atomic(stored, item.data)
    late = item.received_at.astimezone(STOCKHOLM).date() > ctx.deadline_for(org_id)
    for _attempt in range(_VERSION_RETRIES):
        try:
            with db.session() as session:
                earlier = session.execute(
                    select(
                        ReceivedFileRow.id,
                        ReceivedFileRow.kind,
                        ReceivedFileRow.version,
                        ReceivedFileRow.is_current,
                    ).where(
                        ReceivedFileRow.round_id == ctx.round_id, ReceivedFileRow.organisation_id == org_id
                    )
                ).all()
                version = max((r.version or 0 for r in earlier if r.kind == kind), default=0) + 1
                current = next((r.id for r in earlier if r.kind == kind and r.is_current), None)
                other_received = any(r.kind != kind for r in earlier)
                # An unchanged template never replaces an answer: it is kept, but not as current.
                becomes_current = not (examined.unchanged and current and has_answers(session, current))
                if becomes_current and current is not None:
                    session.execute(
                        update(ReceivedFileRow).where(ReceivedFileRow.id == current).values(is_current=False)
                    )
                row = ReceivedFileRow(
                    sha256=item.digest,
                    original_name=item.name,
                    size=len(item.data),
                    kind=kind,
                    round_id=ctx.round_id,
                    organisation_id=org_id,
                    received_at=item.received_at,
                    stored_path=str(stored),
                    status="accepted",
                    identified_by=examined.identified.identified_by,
                    version=version,
                    is_current=becomes_current,
                    late=late,
                    sender=sender,
                    warnings=extracted.warnings,
                )
                session.add(row)
                session.flush()
                insert_answers(session, row.id, extracted)
                receipt = write_receipt(session, workspace, ctx, row, extracted, other_received)
                audit.record(
                    session, "file.accepted", ctx.round_id, org_id, file=item.name, version=version, late=late
                )
        except IntegrityError:
            if _earlier(db, item.digest) is not None:
                return _raced(db, item, stored)
            continue  # another collector took this version number: count again
        break
    else:
        raise StoreError(f"{item.name} kunde inte sparas: versionsnumret krockade upprepade gånger.")
    if examined.unchanged:
        outcome = "incomplete"
        reason = "Inga svar är ifyllda; filen räknas som ofullständig." + (
            "" if becomes_current else " Den tidigare versionen med svar gäller fortfarande."
        )
    elif version == 1:
        outcome, reason = "accepted", None
    else:
        outcome, reason = "superseded", f"Ny version {version}; tidigare version finns kvar i arkivet."
    return CollectResult(
        str(item.path),
        outcome,
        org_id,
        reason,
        kind,
        version,
        late,
        extracted.warnings,
        examined.identified.identified_by,
        receipt=str(receipt),
    )


def _quarantine(
    db: Database,
    workspace: Workspace,
    ctx: RoundContext,
    item: _Incoming,
    refusal: RejectedFile,
    source: bytes | Path,
) -> CollectResult:
    """Keep the refused bytes and a sidecar with reason and hash, then record the refusal."""
    stored = workspace.quarantine / f"{item.digest[:12]}-{safe_name(item.name)}"
    if isinstance(source, Path):
        _copy_atomic(source, stored)
        size = stored.stat().st_size
    else:
        write_atomic(stored, source)
        size = len(source)
    sidecar = f"{refusal.reason}\nkod: {refusal.code}\nsha256: {item.digest}\nfil: {item.name}\n"
    write_atomic(stored.with_name(stored.name + SIDECAR), sidecar.encode())
    try:
        with db.session() as session:
            session.add(
                ReceivedFileRow(
                    sha256=item.digest,
                    original_name=item.name,
                    size=size,
                    round_id=ctx.round_id,
                    received_at=item.received_at,
                    stored_path=str(stored),
                    status="rejected",
                    reason=refusal.reason,
                    reason_code=refusal.code,
                    version=None,
                )
            )
            audit.record(session, "file.rejected", ctx.round_id, None, file=item.name, code=refusal.code)
    except IntegrityError:
        return _raced(db, item, stored)
    return CollectResult(str(item.path), "rejected", None, refusal.reason, code=refusal.code)


def _raced(db: Database, item: _Incoming, ours: Path) -> CollectResult:
    """Another collector stored the same bytes between our check and our insert."""
    earlier = _earlier(db, item.digest)
    if earlier is None:
        return CollectResult(
            str(item.path), "duplicate", reason="Filen togs emot samtidigt av en annan insamling."
        )
    if earlier.stored_path != str(ours):  # the same bytes under another name: keep one copy
        ours.unlink(missing_ok=True)
        ours.with_name(ours.name + SIDECAR).unlink(missing_ok=True)
    return _duplicate(item.path, earlier)


def _earlier(db: Database, digest: str) -> ReceivedFileRow | None:
    with db.session() as session:
        return session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.sha256 == digest))


def _duplicate(path: Path, earlier: ReceivedFileRow) -> CollectResult:
    return CollectResult(
        str(path),
        "duplicate",
        earlier.organisation_id,
        describe_duplicate(earlier),
        earlier.kind,
        identified_by=earlier.identified_by,
    )


def _same_run(path: Path, first: CollectResult) -> CollectResult:
    """A file that repeats the bytes of an earlier path of this run: one submission, reported once."""
    first_name = unicodedata.normalize("NFC", Path(first.file).name)
    how = _OUTCOME_SV.get(first.outcome, first.outcome)
    return CollectResult(
        str(path),
        "duplicate",
        first.organisation,
        f"Samma fil som {first_name} i den här insamlingen ({how}).",
        first.kind,
        identified_by=first.identified_by,
    )


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_atomic(source: Path, target: Path) -> None:
    """A large refused file is copied in chunks (never read whole into memory)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    shutil.copyfile(source, tmp)
    tmp.replace(target)
