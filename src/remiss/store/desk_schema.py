"""Tables of the coordinators' desk: local accounts, web sessions and review decisions.

Kept beside schema.py (same metadata) so the desk's tables read as one unit; migration 0004
creates them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from remiss.store.schema import Base, utcnow


class UserRow(Base):
    """A local account; `password_hash` is argon2id (never the password)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # samordnare | läsare
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled: Mapped[bool] = mapped_column(default=False)


class WebSessionRow(Base):
    """A logged-in browser: only the sha256 of its cookie is stored, with its CSRF token."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(16), default="local")  # local | oidc (next)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class ReviewRow(Base):
    """A coordinator's decision on an organisation's answer; the newest row is its review state."""

    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_round_org", "round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    state: Mapped[str] = mapped_column(String(16))  # kompletteras | godkand
    message: Mapped[str | None] = mapped_column(Text)
    new_deadline: Mapped[dt.date | None] = mapped_column(Date)
    file_id: Mapped[int | None]  # the newest accepted file when decided
    by: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
