"""Returned files from the functional mailbox: take each new message's attachments and collect them.

For each message not yet taken: save its attachments under `inkorg/<round>/<message>/`,
collect each through the ordinary intake (`collect.collect_file`, with the sender), send
the refusal back for every refused file, record the message in the store, and only then
mark it taken on the server. A crash anywhere before the mark repeats the message on the
next run, where collect sees the same bytes as duplicates, the refusal's outbox key
already exists, and the message's own row (keyed by Message-ID) says it is done.

No reply goes to automatic mail (out-of-office, bounces, lists: RFC 3834), nor to us.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remiss.domain.outcomes import FileState, MessageKind, Outcome
from remiss.mail.imap import Fetched, Mailbox
from remiss.mail.settings import ImapSettings, sender_address
from remiss.services import outbox
from remiss.services.context import RoundContext
from remiss.services.files import safe_name, sha256, write_atomic
from remiss.services.intake import receipts
from remiss.services.intake.collect import collect_file, refuse_if_closed
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.database import Database
from remiss.store.schema import InboundMessageRow, OutboxRow, ReceivedFileRow

REFUSALS = "_avvisade"  # outbox/<round>/_avvisade/: refusals, which belong to no organisation


@dataclass
class TakenFile:
    """One attachment of a taken message, and what collecting it did."""

    file: str  # the name it was attached under
    outcome: Outcome
    organisation: str | None = None
    reason: str | None = None


@dataclass
class TakenMessage:
    """One message of `remiss fetch`'s report."""

    message: str  # the store's key for it
    sender: str | None
    subject: str
    files: list[TakenFile] = field(default_factory=list)
    refusals: int = 0  # refusal messages recorded now
    note: str | None = None  # why nothing was taken, when nothing was


def fetch_mail(work: Work, settings: ImapSettings) -> list[TakenMessage]:
    """Take every new message in the mailbox; returns one report line per message.

    A closed round takes nothing: StateError before the mailbox is opened, so its messages
    stay unread for when the round is reopened.
    """
    refuse_if_closed(work.round)
    taken = []
    with Mailbox(settings) as mailbox:
        for uid in mailbox.unprocessed():
            fetched = mailbox.fetch(uid)
            taken.append(take_message(work, fetched, settings.mailbox))
            mailbox.mark_processed(uid)
    return taken


def take_message(work: Work, fetched: Fetched, mailbox: str) -> TakenMessage:
    """Collect one message's attachments (received when it arrived) and refuse what is refused."""
    db, ctx = work.db, work.round
    message = BytesParser(policy=policy.default).parsebytes(fetched.data)
    assert isinstance(message, EmailMessage)
    key = message_key(message, fetched.data)
    sender = parseaddr(str(message.get("From", "")))[1].lower() or None
    report = TakenMessage(key, sender, str(message.get("Subject", "")))
    with db.session() as session:
        if session.scalar(select(InboundMessageRow.id).where(InboundMessageRow.key == key)):
            report.note = "redan inläst tidigare"
            return report
    folder = work.workspace.home / "inkorg" / ctx.round_id / key.split(":", 1)[1][:16]
    refused: list[tuple[str, str, str]] = []  # name, reason, sha256
    for name, path, digest in save_attachments(message, folder):
        result = collect_file(work.at(fetched.arrived), path, sender=sender)
        reason = _refusal_reason(db, digest)
        if reason is not None:
            refused.append((name, reason, digest))
        report.files.append(TakenFile(name, result.outcome, result.organisation, result.reason))
    if not report.files:
        report.note = "inga bifogade filer"
    digests = [digest for _, _, digest in refused]
    try:
        with db.session() as session:
            refusal_ids = _refuse(session, work, message, sender, refused)
            _record(session, ctx, fetched, mailbox, key, report, refusal_ids, digests, sender)
    except IntegrityError:  # another fetch took the same message at the same time, refusals included
        report.note = "inläst samtidigt av en annan hämtning"
        return report
    report.refusals = len(refusal_ids)
    return report


def message_key(message: Message, data: bytes) -> str:
    """The store's key for a message: its Message-ID (hashed to a fixed length), else its bytes."""
    message_id = str(message.get("Message-ID", "")).strip()
    if message_id:
        return "msgid:" + hashlib.sha256(message_id.encode()).hexdigest()
    return "sha256:" + sha256(data)


def save_attachments(message: EmailMessage, folder: Path) -> list[tuple[str, Path, str]]:
    """Each attached file (forwarded messages included; pictures and vCards skipped), saved once."""
    saved: list[tuple[str, Path, str]] = []
    used: set[str] = set()
    for part in message.walk():
        name = part.get_filename()
        if not name or part.is_multipart() or part.get_content_maintype() in ("image", "text"):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        stored = safe_name(name)
        stem, suffix = Path(stored).stem, Path(stored).suffix
        n = 1
        while stored in used:
            n += 1
            stored = f"{stem} ({n}){suffix}"
        used.add(stored)
        path = folder / stored
        write_atomic(path, data)
        saved.append((name, path, sha256(data)))
    return saved


def is_automatic(message: Message, sender: str | None) -> bool:
    """Mail that must not be answered automatically (RFC 3834), or that has no one to answer."""
    if not sender or sender == sender_address().lower() or sender.startswith(("mailer-daemon", "postmaster")):
        return True
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto != "no"
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or "List-Id" in message
        or "X-Autoreply" in message
        or "X-Autorespond" in message
    )


def _refusal_reason(db: Database, digest: str) -> str | None:
    """The reason these bytes were refused, whether now or earlier (a resent bad file)."""
    with db.session() as session:
        row = session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.sha256 == digest))
        return row.reason if row is not None and row.status == FileState.REJECTED else None


def _refuse(
    session: Session,
    work: Work,
    message: EmailMessage,
    sender: str | None,
    refused: list[tuple[str, str, str]],
) -> list[int]:
    """One refusal per refused file, as a reply to the message; none to automatic mail."""
    ctx = work.round
    if not refused or is_automatic(message, sender):
        return []
    reply_to = parseaddr(str(message.get("Reply-To", "")))[1] or sender
    assert reply_to is not None
    recorded = []
    for name, reason, digest in refused:
        reply = receipts.build_refusal([reply_to], name, reason, digest, ctx.definition)
        key = str(reply["X-Remiss-Key"])
        if session.scalar(select(OutboxRow.id).where(OutboxRow.key == key)):
            continue  # this file's refusal was already sent (a resend, or a rerun)
        original = str(message.get("Message-ID", "")).strip()
        if original:
            reply["In-Reply-To"] = original
            reply["References"] = original
        reply["Auto-Submitted"] = "auto-replied"
        row = outbox.record(
            session,
            key=key,
            kind=MessageKind.REFUSAL,
            message=reply,
            path=work.workspace.outbox / ctx.round_id / REFUSALS / f"avvisad-{digest[:12]}.eml",
            round_id=ctx.round_id,
            organisation_id=None,
            deliver=work.deliver,
        )
        recorded.append(row.id)
    return recorded


def _record(
    session: Session,
    ctx: RoundContext,
    fetched: Fetched,
    mailbox: str,
    key: str,
    report: TakenMessage,
    refusal_ids: list[int],
    refused_digests: list[str],
    sender: str | None,
) -> None:
    if sender and refused_digests:  # accepted rows get the sender from collect itself
        session.execute(
            update(ReceivedFileRow)
            .where(ReceivedFileRow.sha256.in_(refused_digests), ReceivedFileRow.sender.is_(None))
            .values(sender=sender)
        )
    session.add(
        InboundMessageRow(
            key=key,
            mailbox=mailbox,
            uid=fetched.uid,
            sender=sender,
            subject=report.subject,
            round_id=ctx.round_id,
            received_at=fetched.arrived,
            files=[asdict(f) for f in report.files],
            refusal_outbox_id=refusal_ids[0] if refusal_ids else None,
        )
    )
    audit.record(
        session,
        "mail.taken",
        ctx.round_id,
        None,
        key=key,
        sender=sender,
        files=len(report.files),
    )
