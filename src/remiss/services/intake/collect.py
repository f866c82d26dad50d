"""Collecting returned files: read, examine (in bounded workers), keep, record.

Invariants: the original bytes are kept (archive or quarantine) before the row that
points at them is committed; a file's sha256 is unique, so a rerun after a crash, the
same file under two names, or two collectors at once all end with one row per file.
Every accepted file gets a receipt (kvittens) recorded in the transaction that stores it.
Accepted files are stored in batches (see accept.py); a refused file is quarantined at once.
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
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from remiss import progress
from remiss.documents.package import Limits, check_size
from remiss.domain.outcomes import FileState, Outcome
from remiss.errors import RejectedFile, StateError, disk_error
from remiss.services.context import RoundContext
from remiss.services.files import as_text, display_name, name_from_path, safe_name, sha256, write_atomic
from remiss.services.intake.accept import Ready, store_accepted
from remiss.services.intake.examine import Examined
from remiss.services.intake.pool import IntakePool, shared_pool
from remiss.services.intake.read_ahead import read_ahead
from remiss.services.intake.received import (
    SIDECAR,
    CollectResult,
    Incoming,
    duplicate,
    earlier,
    raced,
    same_run,
    shown,
)
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.schema import ReceivedFileRow

__all__ = ["SIDECAR", "CollectResult", "closed_message", "collect_file", "collect_paths", "expand_paths"]
STORE_BATCH = 16  # accepted files stored per transaction


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
    work: Work,
    path: Path,
    *,
    pool: IntakePool | None = None,
    sender: str | None = None,
    name: str | None = None,
    submitted: dt.datetime | None = None,
) -> CollectResult:
    """One file; `name` is its name as sent when the path's own name is one remiss made (mail)."""
    names = [name] if name is not None else None
    return collect_paths(work, [path], pool=pool, sender=sender, names=names, submitted=submitted)[0]


def collect_paths(
    work: Work,
    paths: list[Path],
    *,
    pool: IntakePool | None = None,
    sender: str | None = None,
    names: list[str] | None = None,
    submitted: dt.datetime | None = None,
    channel: str | None = None,
    expect: str | None = None,
    together: bool = False,
) -> list[CollectResult]:
    """One result per path, in the order given; files are examined in the pool's workers.

    `names` are the files' names as sent (default: each path's name); `submitted` is when they
    were sent (a message's arrival; default: each file's modification time), which orders versions.
    `channel` is kept with each stored file ("webb" from the nämnd's page; None by mail or
    folder). `expect` names the only organisation whose files are taken (an upload through a
    nämnd's link): a file of another is refused, so one link never writes another's answer.
    `together`: the paths are one sending (one mail, one submission or upload on the nämnd's
    page), so an organisation's files get one receipt between them (see accept.py).

    Files are examined in parallel but stored in the order given (oldest first, from
    expand_paths), so the later of two versions in one run is the one that becomes current.
    Each file is received at `work.now`, or when it is read. A closed round takes nothing:
    StateError, before any file is read.
    """
    refuse_if_closed(work.round)
    results: dict[int, CollectResult] = {}
    pending: dict[int, Incoming] = {}
    seen: dict[str, tuple[int, str]] = {}  # sha256 -> (index, name) of its first path in this run
    same: dict[int, int] = {}  # index of a repeated file -> index of its first occurrence
    order: deque[int] = deque()  # indices sent to the pool, in the order given
    examined: dict[int, Examined | RejectedFile] = {}

    def incoming() -> Iterator[tuple[int, bytes, str]]:
        for index, path in enumerate(paths):
            given = names[index] if names is not None else None
            name = unicodedata.normalize("NFC", as_text(given)) if given is not None else name_from_path(path)
            item = _receive(work, path, name, work.moment(), submitted, seen, index)
            if isinstance(item, int):
                same[index] = item
            elif isinstance(item, CollectResult):
                results[index] = item
                progress.advance("collect")
            else:
                pending[index] = item
                order.append(index)
                yield index, item.data, display_name(item.name)

    ready: list[tuple[int, Ready]] = []

    def store_ready() -> None:
        stored = store_accepted(work, [r for _, r in ready], sender, channel=channel, together=together)
        results.update(zip((index for index, _ in ready), stored, strict=True))
        progress.advance("collect", len(ready))
        ready.clear()

    # Files go to the workers from a thread of their own, so the workers go on while a batch is stored.
    examining = (pool or shared_pool()).examine_all(work.round, incoming())
    for index, outcome in read_ahead(examining, depth=4 * STORE_BATCH):
        examined[index] = outcome
        while order and order[0] in examined:
            first = order.popleft()
            item, done = pending.pop(first), examined.pop(first)
            if not isinstance(done, RejectedFile) and expect and done.identified.organisation_id != expect:
                done = RejectedFile(
                    f"{item.name} hör till en annan nämnd än den vars länk användes och togs inte emot.",
                    code="other-organisation",
                )
            if isinstance(done, RejectedFile):
                results[first] = _quarantine(work, item, done, item.data)
                progress.advance("collect")
                continue
            ready.append((first, (item, done)))
            if len(ready) >= STORE_BATCH:
                store_ready()
    if ready:
        store_ready()
    for index, first in same.items():
        results[index] = same_run(paths[index], results[first])
        progress.advance("collect")
    return [results[index] for index in range(len(paths))]


def refuse_if_closed(ctx: RoundContext) -> None:
    """A closed round accepts no files, from a folder or a mailbox."""
    if ctx.closed:
        raise StateError(closed_message(ctx.round_id))


def closed_message(round_id: str) -> str:
    return (
        f"Omgången '{round_id}' är stängd: inga fler svar tas emot. "
        "Ska svar ändå tas emot: öppna den igen (”Öppna omgången igen” på tavlan, "
        f"eller `remiss round reopen {round_id}`)."
    )


def _receive(
    work: Work,
    path: Path,
    name: str,
    received_at: dt.datetime,
    submitted: dt.datetime | None,
    seen: dict[str, tuple[int, str]],
    index: int,
) -> Incoming | CollectResult | int:
    """Read and hash one file; a duplicate or an oversized file is settled here.

    Returns the index of the first path with the same bytes when the file repeats one of this run.
    """
    db = work.db
    shown_name = display_name(name)
    try:
        stat = path.stat()
        size = stat.st_size
        sent = submitted or dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)
        limits = Limits.from_env()
        if size > limits.max_file_bytes:
            digest = _hash_file(path)
            if digest in seen:
                return seen[digest][0]
            seen[digest] = (index, name)
            item = Incoming(path, name, b"", digest, received_at, sent)
            first = earlier(db, digest)
            if first is not None:
                return duplicate(path, first)
            try:
                check_size(size, shown_name, limits)
            except RejectedFile as refusal:
                return _quarantine(work, item, refusal, path)
        data = path.read_bytes()
    except OSError as exc:
        return CollectResult(
            shown(path),
            Outcome.REJECTED,
            reason=f"{shown_name} kunde inte läsas från disken ({exc.strerror}).",
            code="io",
        )
    digest = sha256(data)
    if digest in seen:
        return seen[digest][0]
    seen[digest] = (index, name)
    first = earlier(db, digest)
    if first is not None:
        return duplicate(path, first)
    return Incoming(path, name, data, digest, received_at, sent)


def _quarantine(
    work: Work,
    item: Incoming,
    refusal: RejectedFile,
    source: bytes | Path,
) -> CollectResult:
    """Keep the refused bytes and a sidecar with reason and hash, then record the refusal."""
    db, ctx = work.db, work.round
    stored = work.workspace.quarantine / f"{item.digest[:12]}-{safe_name(item.name)}"
    if isinstance(source, Path):
        _copy_atomic(source, stored)
        size = stored.stat().st_size
    else:
        write_atomic(stored, source)
        size = len(source)
    # One line per field, whatever the name holds: a newline in it must never write a false `kod:`.
    reason = " ".join(refusal.reason.split())
    sidecar = f"{reason}\nkod: {refusal.code}\nsha256: {item.digest}\nfil: {display_name(item.name)}\n"
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
                    status=FileState.REJECTED,
                    reason=refusal.reason,
                    reason_code=refusal.code,
                    version=None,
                )
            )
            audit.record(
                session, "file.rejected", ctx.round_id, None, actor=work.by, file=item.name, code=refusal.code
            )
    except IntegrityError:
        return raced(db, item, stored)
    return CollectResult(shown(item.path), Outcome.REJECTED, None, refusal.reason, code=refusal.code)


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
    try:
        shutil.copyfile(source, tmp)
        tmp.replace(target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        fault = disk_error(exc, target) if isinstance(exc, OSError) else None
        if fault is not None:
            raise fault from None
        raise
