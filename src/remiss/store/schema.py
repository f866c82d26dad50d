"""The database schema as typed SQLAlchemy 2 models.

Answers are kept per received file, and files are never deleted or overwritten: a new
version only flips `is_current`. The unique sha256 makes ingesting the same bytes twice
(two names, two collectors, a rerun after a crash) a no-op.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Date, ForeignKey, Index, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from remiss.store.types import UTCDateTime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    # Named constraints, so migrations can alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        list[str]: JSON,
        dt.datetime: UTCDateTime,  # the same aware UTC instant on SQLite and PostgreSQL
    }


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    group: Mapped[str] = mapped_column(String(16))
    namnd: Mapped[str] = mapped_column(String(200))
    forvaltning: Mapped[str] = mapped_column(String(200))
    email: Mapped[list[str]]
    registrator: Mapped[str | None] = mapped_column(String(200))
    chef: Mapped[str | None] = mapped_column(String(200))


class RoundRow(Base):
    __tablename__ = "rounds"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    diarienummer: Mapped[str] = mapped_column(String(100))
    budget_year: Mapped[int | None]  # a plain remiss prepares no budget (migration 0008)
    deadline: Mapped[dt.date] = mapped_column(Date)
    definition_yaml: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    launched_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]  # closed: nothing more is accepted, nobody is chased


class RecipientRow(Base):
    """An organisation asked to answer a round, with its token and any extension (anstånd)."""

    __tablename__ = "recipients"

    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64))
    extended_to: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_at: Mapped[dt.datetime | None]  # no longer asked; the row stays for the history


class AssignmentRow(Base):
    """Who answers which åtgärd, fixed when the recipient is added: the one source services read."""

    __tablename__ = "assignments"

    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    measure_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))


class IssuedDocumentRow(Base):
    """One template handed to one organisation; unique per kind, so launch never issues twice."""

    __tablename__ = "issued_documents"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReceivedFileRow(Base):
    """Every file ever received, accepted or rejected, with where its bytes are kept."""

    __tablename__ = "received_files"
    __table_args__ = (
        Index("ix_received_current", "round_id", "organisation_id", "kind", "is_current"),
        # Two collectors storing two new versions at once cannot both become version N.
        UniqueConstraint("round_id", "organisation_id", "kind", "version", name="uq_received_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int]
    kind: Mapped[str | None] = mapped_column(String(8))
    round_id: Mapped[str | None] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When it was sent (a folder file's modification time, a message's arrival): orders versions.
    submitted_at: Mapped[dt.datetime | None]
    stored_path: Mapped[str] = mapped_column(Text)
    # accepted | rejected | withdrawn | pending (no token, waiting for a coordinator's confirmation)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(32))
    identified_by: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int | None]  # 1, 2, … per (round, organisation, kind); None when rejected
    is_current: Mapped[bool] = mapped_column(default=False)
    late: Mapped[bool] = mapped_column(default=False)
    sender: Mapped[str | None] = mapped_column(String(320))
    warnings: Mapped[list[str]] = mapped_column(default=list)
    withdrawn_at: Mapped[dt.datetime | None]  # a coordinator took it back: it no longer counts
    channel: Mapped[str | None] = mapped_column(String(8))  # None: mail or folder; "webb": the nämnd's page


class AnswerRow(Base):
    """A Word answer field of one received file: plain text and the cleaned XML fragment."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("file_id", "measure_key", "field_id"),
        # The board counts filled answers per file from this index alone (migration 0007).
        Index("ix_answers_filled", "file_id", "field_id", "empty", "measure_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("received_files.id"), index=True)
    measure_key: Mapped[str] = mapped_column(String(80))
    field_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    xml: Mapped[str] = mapped_column(Text)
    empty: Mapped[bool]
    found_by: Mapped[str] = mapped_column(String(16))


class ValueRow(Base):
    """An Excel cell of one received file: the raw text and the checked, typed value."""

    __tablename__ = "excel_values"
    __table_args__ = (
        UniqueConstraint("file_id", "measure_key", "column_id"),
        # The board counts given values per file from this index alone, and finds the few
        # values that failed their check without reading the rest (migration 0007).
        Index("ix_excel_values_given", "file_id", "column_id", "measure_key", "raw"),
        Index(
            "ix_excel_values_problems",
            "file_id",
            sqlite_where=text("problem IS NOT NULL"),
            postgresql_where=text("problem IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("received_files.id"), index=True)
    measure_key: Mapped[str] = mapped_column(String(80))
    column_id: Mapped[str] = mapped_column(String(40))
    raw: Mapped[str] = mapped_column(Text)
    value_text: Mapped[str | None] = mapped_column(Text)
    value_number: Mapped[float | None]
    problem: Mapped[str | None] = mapped_column(Text)


class OutboxRow(Base):
    """A message recorded before it is sent: the unique key makes each message exactly-once."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # request | reminder | receipt | refusal
    round_id: Mapped[str | None] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    recipients: Mapped[list[str]]
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    eml_path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    cc: Mapped[list[str]] = mapped_column(default=list)
    # False: SMTP was not configured when the message was recorded; its .eml is the whole record.
    deliver: Mapped[bool] = mapped_column(default=False)
    claimed_until: Mapped[dt.datetime | None]  # a dispatcher is sending it; others keep off until then
    next_attempt_at: Mapped[dt.datetime | None]  # after a failed attempt: back off until then


class ReminderRow(Base):
    """A chase decision: which organisation was reminded for which slot of the policy, and when."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    due_on: Mapped[dt.date] = mapped_column(Date)  # the policy's slot this reminder answers
    status: Mapped[str] = mapped_column(String(16))  # missing | incomplete
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_on: Mapped[dt.date | None] = mapped_column(Date)  # the day chase wrote it (None before 0002)
    slot: Mapped[str | None] = mapped_column(String(40))  # e.g. "7 arbetsdagar före sista svarsdag"
    escalated: Mapped[bool] = mapped_column(default=False)  # copied to registrator/chef


class InboundMessageRow(Base):
    """A message taken from the functional mailbox: recorded once, so it is never taken twice."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # Message-ID, else sha256 of the bytes
    mailbox: Mapped[str] = mapped_column(String(320))  # user@host/folder
    uid: Mapped[int | None]
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text, default="")
    round_id: Mapped[str | None] = mapped_column(ForeignKey("rounds.id"))
    received_at: Mapped[dt.datetime]  # the server's arrival time (IMAP INTERNALDATE)
    processed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    refusal_outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


class AuditRow(Base):
    """Every step remiss took, in order: who did what to which round and organisation."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    round_id: Mapped[str | None] = mapped_column(String(40), index=True)
    organisation_id: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(100))  # who did it (None before 0003)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
