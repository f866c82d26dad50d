"""Collecting returned files: identify, extract, archive, record — one transaction per file.

Invariants: the original bytes are kept (archive or quarantine) before the row that
points at them is committed; a file's sha256 is unique, so a rerun after a crash, the
same file under two names, or two collectors at once all end with one row per file.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from remiss.documents.evidence import read_evidence
from remiss.documents.excel_reader import read_response_xlsx
from remiss.documents.model import Extracted
from remiss.documents.word_reader import read_response_docx
from remiss.errors import RejectedFile
from remiss.services.context import RoundContext
from remiss.services.files import safe_name, sha256, write_atomic
from remiss.services.identify import Identified, identify
from remiss.services.records import answer_rows, describe_duplicate
from remiss.settings import Workspace
from remiss.store import audit
from remiss.store.database import Database
from remiss.store.schema import ReceivedFileRow, utcnow

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SUFFIXES = {".docx", ".xlsx", ".doc", ".xls", ".docm", ".xlsm", ".zip", ".pdf", ".odt", ".ods"}


@dataclass
class CollectResult:
    """One line of `remiss collect`'s report."""

    file: str
    outcome: str  # accepted | duplicate | superseded | rejected
    organisation: str | None = None
    reason: str | None = None
    kind: str | None = None
    version: int | None = None
    late: bool = False
    warnings: list[str] = field(default_factory=list)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files given directly, plus every file under given folders, oldest first.

    Dot files and Office lock files (~$…) are never submissions and are skipped.
    """
    found: list[Path] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        found += [p for p in candidates if not p.name.startswith((".", "~$"))]
    return sorted(dict.fromkeys(found), key=lambda p: (p.stat().st_mtime, str(p)))


def collect_file(
    db: Database, workspace: Workspace, ctx: RoundContext, path: Path, now: dt.datetime | None = None
) -> CollectResult:
    name = unicodedata.normalize("NFC", path.name)
    data = path.read_bytes()
    digest = sha256(data)
    with db.session() as session:
        earlier = session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.sha256 == digest))
        if earlier is not None:
            return CollectResult(str(path), "duplicate", earlier.organisation_id, describe_duplicate(earlier))
    received_at = now or utcnow()
    try:
        evidence, _package = read_evidence(data, name)
        who = identify(evidence, ctx, name)
        extracted = _extract(evidence.kind, data, name, ctx, who.organisation_id)
    except RejectedFile as refusal:
        return _quarantine(db, workspace, ctx, path, name, data, digest, refusal, received_at)
    return _accept(db, workspace, ctx, path, name, data, digest, evidence.kind, who, extracted, received_at)


def _extract(kind: str, data: bytes, name: str, ctx: RoundContext, org_id: str) -> Extracted:
    reader = read_response_docx if kind == "docx" else read_response_xlsx
    extracted = reader(data, name, ctx.definition, ctx.assignments(org_id))
    answers = [a for a in extracted.answers if not a.empty] + [v for v in extracted.values if v.raw.strip()]
    if not answers:
        extracted.warnings.append(
            f"{name} är oförändrad: inga svar är ifyllda. Filen räknas som ofullständig."
        )
    return extracted


def _accept(
    db: Database,
    workspace: Workspace,
    ctx: RoundContext,
    path: Path,
    name: str,
    data: bytes,
    digest: str,
    kind: str,
    who: Identified,
    extracted: Extracted,
    received_at: dt.datetime,
) -> CollectResult:
    org_id = who.organisation_id
    stored = workspace.archive / ctx.round_id / org_id / f"{digest[:12]}-{safe_name(name)}"
    write_atomic(stored, data)
    late = received_at.astimezone(STOCKHOLM).date() > ctx.deadline_for(org_id)
    try:
        with db.session() as session:
            current = ReceivedFileRow.round_id == ctx.round_id, ReceivedFileRow.organisation_id == org_id
            same_kind = (*current, ReceivedFileRow.kind == kind)
            version = (session.scalar(select(func.max(ReceivedFileRow.version)).where(*same_kind)) or 0) + 1
            session.execute(update(ReceivedFileRow).where(*same_kind).values(is_current=False))
            row = ReceivedFileRow(
                sha256=digest,
                original_name=name,
                size=len(data),
                kind=kind,
                round_id=ctx.round_id,
                organisation_id=org_id,
                received_at=received_at,
                stored_path=str(stored),
                status="accepted",
                identified_by=who.identified_by,
                version=version,
                is_current=True,
                late=late,
                warnings=extracted.warnings,
            )
            session.add(row)
            session.flush()
            session.add_all(answer_rows(row.id, extracted))
            audit.record(
                session, "file.accepted", ctx.round_id, org_id, file=name, version=version, late=late
            )
    except IntegrityError:
        return _raced(db, path, digest)
    outcome = "accepted" if version == 1 else "superseded"
    reason = None if version == 1 else f"Ny version {version}; tidigare version finns kvar i arkivet."
    return CollectResult(str(path), outcome, org_id, reason, kind, version, late, extracted.warnings)


def _quarantine(
    db: Database,
    workspace: Workspace,
    ctx: RoundContext,
    path: Path,
    name: str,
    data: bytes,
    digest: str,
    refusal: RejectedFile,
    received_at: dt.datetime,
) -> CollectResult:
    stored = workspace.quarantine / f"{digest[:12]}-{safe_name(name)}"
    write_atomic(stored, data)
    write_atomic(
        stored.with_name(stored.name + ".skal.txt"), f"{refusal.reason}\nsha256: {digest}\n".encode()
    )
    try:
        with db.session() as session:
            session.add(
                ReceivedFileRow(
                    sha256=digest,
                    original_name=name,
                    size=len(data),
                    round_id=ctx.round_id,
                    received_at=received_at,
                    stored_path=str(stored),
                    status="rejected",
                    reason=refusal.reason,
                    reason_code=refusal.code,
                    version=None,
                )
            )
            audit.record(session, "file.rejected", ctx.round_id, None, file=name, code=refusal.code)
    except IntegrityError:
        return _raced(db, path, digest)
    return CollectResult(str(path), "rejected", None, refusal.reason)


def _raced(db: Database, path: Path, digest: str) -> CollectResult:
    """Another collector stored the same bytes between our check and our insert."""
    with db.session() as session:
        earlier = session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.sha256 == digest))
        reason = (
            describe_duplicate(earlier) if earlier else "Filen togs emot samtidigt av en annan insamling."
        )
        return CollectResult(str(path), "duplicate", earlier.organisation_id if earlier else None, reason)
