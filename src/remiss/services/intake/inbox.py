"""Returned files from the functional mailbox: take each new message's attachments and collect them.

For each message not yet taken: save its attachments under `inkorg/<round>/<message>/`,
collect them through the ordinary intake (`collect.collect_paths`, with the sender, together), send
the refusal back for every refused file, record the message in the store, and only then
mark it taken on the server. A crash anywhere before the mark repeats the message on the
next run, where collect sees the same bytes as duplicates, the refusal's outbox key
already exists, and the message's own row (keyed by Message-ID) says it is done.

No reply goes to automatic mail (out-of-office, bounces, lists: RFC 3834), nor to us.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parseaddr
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from remiss.domain.outcomes import FileState, MessageKind, Outcome
from remiss.errors import RemissError
from remiss.mail import compose
from remiss.mail.compose import one_line
from remiss.mail.imap import Fetched, Mailbox
from remiss.mail.settings import ImapSettings, sender_address
from remiss.services import outbox
from remiss.services.context import RoundContext
from remiss.services.files import as_text, display_name, safe_name, sha256, write_atomic
from remiss.services.intake import receipts
from remiss.services.intake.collect import collect_paths, refuse_if_closed
from remiss.services.intake.senders import may_answer
from remiss.services.work import Work
from remiss.store import audit
from remiss.store.database import Database
from remiss.store.schema import InboundMessageRow, OutboxRow, ReceivedFileRow

REFUSALS = "_avvisade"  # outbox/<round>/_avvisade/: refusals, which belong to no organisation
MAX_DEPTH = 8  # forwarded messages inside forwarded messages: no answer needs more
MAX_PARTS = 500  # parts of one message (attachments, texts, nested messages)
_ADDRESS = re.compile(r"[^@\s<>()\[\],;:\\\"]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,240}>")


@dataclass
class TakenFile:
    """One attachment of a taken message, and what collecting it did."""

    file: str  # the name it was attached under
    outcome: Outcome
    organisation: str | None = None
    reason: str | None = None
    note: str | None = None  # how it was recognised, when not by its name (nameless, mislabelled)


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

    A message that cannot be handled (nested too deep, too many parts, headers or names no
    parser takes) is marked `$RemissFailed` (moved to REMISS_IMAP_FAILED_FOLDER if set),
    reported, answered when its sender may be answered, and the fetch goes on with the next.
    A fault of our own (the disk, the database) still ends the run: the message is tried again.
    A closed round takes nothing: StateError before the mailbox is opened, so its messages
    stay unread for when the round is reopened.
    """
    refuse_if_closed(work.round)
    taken = []
    with Mailbox(settings) as mailbox:
        for uid in mailbox.unprocessed():
            fetched = mailbox.fetch(uid)
            try:
                report = take_message(work, fetched, settings.mailbox)
            except (OSError, SQLAlchemyError, RemissError) as exc:
                if not isinstance(exc, Unhandleable):
                    raise
                report = _unhandled(work, fetched, exc.reason)
                mailbox.mark_failed(uid)
            except (Exception, RecursionError) as exc:  # a message no parser takes: its outcome, not ours
                report = _unhandled(work, fetched, _why(exc))
                mailbox.mark_failed(uid)
            else:
                mailbox.mark_processed(uid)
            taken.append(report)
    return taken


class Unhandleable(RemissError):
    """A message remiss will not take apart; `reason` says why, in Swedish."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def take_message(work: Work, fetched: Fetched, mailbox: str) -> TakenMessage:
    """Collect one message's attachments (received when it arrived) and refuse what is refused."""
    db, ctx = work.db, work.round
    head = _headers(fetched.data)
    key = message_key(head, fetched.data)
    sender = sender_of(head)
    report = TakenMessage(key, sender, header(head, "Subject"))
    with db.session() as session:
        if session.scalar(select(InboundMessageRow.id).where(InboundMessageRow.key == key)):
            report.note = "redan inläst tidigare"
            return report
    message = _parse(fetched.data)
    folder = work.workspace.home / "inkorg" / ctx.round_id / key.split(":", 1)[1][:16]
    refused: list[tuple[str, str, str]] = []  # name, reason, sha256
    attachments = save_attachments(message, folder)
    # One message is one sending: its files are collected together and answered by one receipt.
    results = (
        collect_paths(
            work.at(fetched.arrived),
            [a.path for a in attachments],
            sender=sender,
            names=[a.name for a in attachments],
            submitted=fetched.arrived,
            together=True,
        )
        if attachments
        else []
    )
    for attachment, result in zip(attachments, results, strict=True):
        shown = display_name(attachment.name)
        reason = _refusal_reason(db, attachment.digest)
        if reason is not None:
            refused.append((shown, reason, attachment.digest))
        report.files.append(
            TakenFile(shown, result.outcome, result.organisation, result.reason, attachment.note)
        )
    if not report.files:
        report.note = "inga bifogade filer"
    digests = [digest for _, _, digest in refused]
    try:
        with db.session() as session:
            refusal_ids, note = _refuse(session, work, head, key, sender, refused)
            if note:
                report.note = note
            _record(session, ctx, fetched, mailbox, key, report, refusal_ids, digests, sender)
    except IntegrityError:  # another fetch took the same message at the same time, refusals included
        report.note = "inläst samtidigt av en annan hämtning"
        return report
    report.refusals = len(refusal_ids)
    return report


def message_key(message: Message, data: bytes) -> str:
    """The store's key for a message: its Message-ID (hashed to a fixed length), else its bytes."""
    message_id = header(message, "Message-ID")
    if message_id:
        return "msgid:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()
    return "sha256:" + sha256(data)


def sender_of(message: Message) -> str | None:
    """The From address, lower case, or None when there is none a reply could go to."""
    address = parseaddr(header(message, "From"))[1].lower()
    return address if _ADDRESS.fullmatch(address) else None


@dataclass
class Attachment:
    name: str  # as sent (data), or one remiss made for a nameless file
    path: Path  # where it was saved, under a name remiss made
    digest: str
    note: str | None = None  # how it was recognised, when not by its name


def save_attachments(message: EmailMessage, folder: Path) -> list[Attachment]:
    """Each attached file (forwarded messages included), saved once under a name remiss makes.

    A part is a file when it has a name (pictures and text parts excepted) or when its content
    is an Office or zip file whatever it is labelled as or named: a nameless Word file, or one
    labelled image/png, is taken and the report says how it was recognised.
    """
    saved: list[Attachment] = []
    for n, part in enumerate(_leaves(message)):
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        raw_name = part.get_filename()
        name = as_text(raw_name) if raw_name else None
        kind = sniff(data)
        labelled = part.get_content_type()
        note = None
        if kind is None and (not name or part.get_content_maintype() in ("image", "text")):
            continue  # the message's text, a signature's logo, a vCard
        if not name:
            name = f"bilaga-{n + 1}{kind}"
            what = KIND_SV.get(kind or "", "en fil")
            note = f"Bilagan saknade filnamn; den känns igen som {what} genom innehållet."
        elif kind is not None and part.get_content_maintype() in ("image", "text"):
            note = (
                f"Bilagan var märkt som {labelled} men är {KIND_SV.get(kind, 'en fil')} "
                "enligt innehållet och togs emot som en sådan."
            )
        path = folder / f"{len(saved) + 1:03d}-{safe_name(name)}"
        write_atomic(path, data)
        saved.append(Attachment(name, path, sha256(data), note))
    return saved


KIND_SV = {
    ".docx": "en Word-fil",
    ".xlsx": "en Excelfil",
    ".zip": "en zip-fil",
    ".doc": "en äldre Office-fil",
}


def sniff(data: bytes) -> str | None:
    """What a part's bytes are, by content: '.docx', '.xlsx', '.zip', '.doc' (OLE) or None."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return ".doc"
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ".zip"
    if "word/document.xml" in names:
        return ".docx"
    if "xl/workbook.xml" in names:
        return ".xlsx"
    return ".zip"


def _leaves(message: Message) -> list[Message]:
    """The message's non-multipart parts, walked without recursion and within MAX_DEPTH / MAX_PARTS."""
    leaves: list[Message] = []
    stack: list[tuple[Message, int]] = [(message, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > MAX_PARTS:
            raise Unhandleable(f"meddelandet har fler än {MAX_PARTS} delar.")
        if depth > MAX_DEPTH:
            raise Unhandleable(
                f"meddelandet är inbäddat i fler än {MAX_DEPTH} nivåer (vidarebefordrade meddelanden i "
                "varandra)."
            )
        if part.is_multipart():
            payload = part.get_payload()
            children = payload if isinstance(payload, list) else [payload]
            stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, Message))
        else:
            leaves.append(part)
    return leaves


def _headers(data: bytes) -> Message:
    """The top-level headers alone: never recursive, so even a message that cannot be parsed has them."""
    return BytesHeaderParser(policy=policy.default).parsebytes(data)


def header(message: Message, name: str) -> str:
    """A header's decoded text on one line; empty when it cannot be decoded (never an error)."""
    try:
        return one_line(as_text(str(message.get(name, ""))))
    except Exception:  # a header no parser takes is the message's problem, not the fetch's
        return ""


def _parse(data: bytes) -> EmailMessage:
    if data.count(b"message/rfc822") > MAX_DEPTH * 4 or data.lower().count(b"content-type:") > MAX_PARTS * 2:
        raise Unhandleable(
            f"meddelandet har fler delar eller inbäddade meddelanden än något svar behöver "
            f"(högst {MAX_PARTS} delar, {MAX_DEPTH} nivåer)."
        )
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def _why(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "meddelandet är inbäddat i för många nivåer för att kunna läsas."
    return f"meddelandets uppbyggnad kunde inte tolkas ({type(exc).__name__})."


def _unhandled(work: Work, fetched: Fetched, reason: str) -> TakenMessage:
    """Report a message that cannot be handled, answer its sender if allowed, and keep a record."""
    db, ctx = work.db, work.round
    head = _headers(fetched.data)
    key = message_key(head, fetched.data)
    sender = sender_of(head)
    subject = header(head, "Subject")
    report = TakenMessage(key, sender, subject)
    report.note = f"Meddelandet kunde inte behandlas: {reason} Det är märkt och hämtas inte igen."
    with db.session() as session:
        answered = False
        if may_answer(sender, ctx) and not is_automatic(head, sender):
            assert sender is not None
            text_subject, body = compose.render(
                "unhandled",
                subject_in=display_name(subject or "(utan ämne)"),
                reason=reason,
                definition=ctx.definition,
                sender=ctx.definition.sender,
            )
            reply_key = f"unhandled:{key}"
            reply = compose.build_message(to=[sender], subject=text_subject, body=body, key=reply_key)
            _reply_headers(reply, head)
            if not session.scalar(select(OutboxRow.id).where(OutboxRow.key == reply_key)):
                outbox.record(
                    session,
                    key=reply_key,
                    kind=MessageKind.REFUSAL,
                    message=reply,
                    path=work.workspace.outbox / ctx.round_id / REFUSALS / f"ej-behandlat-{key[-12:]}.eml",
                    round_id=ctx.round_id,
                    organisation_id=None,
                    deliver=work.deliver,
                )
                answered = True
        elif sender:
            report.note += f" Avsändaren {sender} fick inget svar (inte känd i katalogen)."
        report.refusals = int(answered)
        audit.record(session, "mail.unhandled", ctx.round_id, None, key=key, sender=sender, reason=reason)
    return report


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
    head: Message,
    key: str,
    sender: str | None,
    refused: list[tuple[str, str, str]],
) -> tuple[list[int], str | None]:
    """At most one answer per message, listing every refused file, and only to a sender remiss may
    answer; otherwise a note for the coordinator. Never to automatic mail."""
    ctx = work.round
    if not refused or is_automatic(head, sender):
        return [], None
    if not may_answer(sender, ctx):
        return [], (
            f"{len(refused)} {'fil' if len(refused) == 1 else 'filer'} avvisades; avsändaren "
            f"{sender or '(okänd)'} finns inte i katalogen och hör inte till stadens domäner, så inget svar "
            "skickades. Samordnaren får avgöra om avsändaren ska kontaktas."
        )
    assert sender is not None
    refusal_key = f"refusal:{key}"
    if session.scalar(select(OutboxRow.id).where(OutboxRow.key == refusal_key)):
        return [], None
    files = [(name, " ".join(reason.split())) for name, reason, _ in refused]
    subject, body = receipts.render_refusals(files, ctx.definition)
    reply = compose.build_message(to=[sender], subject=subject, body=body, key=refusal_key)
    _reply_headers(reply, head)
    row = outbox.record(
        session,
        key=refusal_key,
        kind=MessageKind.REFUSAL,
        message=reply,
        path=work.workspace.outbox / ctx.round_id / REFUSALS / f"avvisad-{refused[0][2][:12]}.eml",
        round_id=ctx.round_id,
        organisation_id=None,
        deliver=work.deliver,
    )
    return [row.id], None


def _reply_headers(reply: EmailMessage, head: Message) -> None:
    original = header(head, "Message-ID")
    if original and _MESSAGE_ID.fullmatch(original):
        reply["In-Reply-To"] = original
        reply["References"] = original
    reply["Auto-Submitted"] = "auto-replied"


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
