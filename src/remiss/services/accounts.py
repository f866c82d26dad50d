"""Local accounts and browser sessions for the desk, with no web framework in sight.

Passwords are hashed with argon2id (argon2-cffi's defaults). A session is a random cookie
value whose sha256 is stored with the user's name, role and a CSRF token, so a stolen
database does not hand out live sessions. `Identity` is all a page knows of who is logged
in: an OpenID Connect login (the city's) only has to produce one and call `open_session`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from remiss.errors import ConfigError, NotFoundError, StateError
from remiss.store import audit
from remiss.store.desk_schema import UserRow, WebSessionRow
from remiss.store.schema import utcnow

SESSION_HOURS = 10  # one working day
MIN_PASSWORD = 10
_HASHER = PasswordHasher()
# Verified when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("remiss-no-such-user")


class Role(StrEnum):
    COORDINATOR = "samordnare"  # may change things
    READER = "läsare"  # reads everything, changes nothing

    @property
    def label(self) -> str:
        return {"samordnare": "Samordnare", "läsare": "Läsare"}[self.value]


@dataclass(frozen=True)
class Identity:
    """Who is logged in, however they logged in."""

    name: str
    role: Role
    provider: str = "local"

    @property
    def can_change(self) -> bool:
        return self.role is Role.COORDINATOR


@dataclass(frozen=True)
class OpenedSession:
    token: str  # the cookie's value; only its hash is stored
    csrf: str
    identity: Identity
    expires_at: dt.datetime


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise ConfigError(f"Okänd roll '{value}': välj samordnare eller läsare.") from None


def add_user(session: Session, name: str, password: str, role: Role, *, by: str | None = None) -> None:
    """Create an account, or set a new password and role for an existing one."""
    name = name.strip()
    if not name or len(name) > 80 or any(c.isspace() for c in name):
        raise ConfigError(f"Användarnamnet '{name}' ska vara 1–80 tecken utan mellanslag.")
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"Lösenordet för {name} ska ha minst {MIN_PASSWORD} tecken.")
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    hashed = _HASHER.hash(password)
    if row is None:
        session.add(UserRow(name=name, role=role.value, password_hash=hashed))
        audit.record(session, "user.added", None, None, user=name, role=role.value, actor=by)
    else:
        row.password_hash, row.role, row.disabled = hashed, role.value, False
        _end_sessions(session, name)  # a new password or role holds from now, not after 10 hours
        audit.record(session, "user.changed", None, None, user=name, role=role.value, actor=by)


def disable_user(session: Session, name: str, *, by: str | None = None) -> int:
    """Block an account (someone who left): no more logins, its open sessions end; returns how many.

    `add_user` with the same name opens it again, with a new password.
    """
    row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
    if row is None:
        known = ", ".join(r.name for r in session.scalars(select(UserRow).order_by(UserRow.name))) or "inga"
        raise NotFoundError(f"Kontot '{name.strip()}' finns inte (konton: {known}).")
    row.disabled = True
    ended = _end_sessions(session, row.name)
    audit.record(session, "user.disabled", None, None, user=row.name, actor=by)
    return ended


def _end_sessions(session: Session, name: str) -> int:
    return session.execute(delete(WebSessionRow).where(WebSessionRow.user_name == name)).rowcount or 0


def list_users(session: Session) -> list[tuple[str, Role]]:
    return [(r.name, Role(r.role)) for r in session.scalars(select(UserRow).order_by(UserRow.name))]


def disabled_users(session: Session) -> set[str]:
    return set(session.scalars(select(UserRow.name).where(UserRow.disabled)))


def authenticate(session: Session, name: str, password: str) -> Identity | None:
    """The account's identity when the password is right; None otherwise (same time either way)."""
    row = session.scalar(select(UserRow).where(UserRow.name == name.strip()))
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):
        row.password_hash = _HASHER.hash(password)
    return Identity(row.name, Role(row.role))


def open_session(session: Session, identity: Identity, now: dt.datetime | None = None) -> OpenedSession:
    now = now or utcnow()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = now + dt.timedelta(hours=SESSION_HOURS)
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < now))
    session.add(
        WebSessionRow(
            id=_digest(token),
            user_name=identity.name,
            role=identity.role.value,
            provider=identity.provider,
            csrf=csrf,
            created_at=now,
            expires_at=expires,
        )
    )
    audit.record(session, "user.login", None, None, user=identity.name, actor=identity.name)
    return OpenedSession(token, csrf, identity, expires)


def find_session(session: Session, token: str, now: dt.datetime | None = None) -> OpenedSession | None:
    """The live session of a cookie value, or None (unknown or expired)."""
    if not token:
        return None
    row = session.get(WebSessionRow, _digest(token))
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return OpenedSession(
        token, row.csrf, Identity(row.user_name, Role(row.role), row.provider), row.expires_at
    )


def close_session(session: Session, token: str) -> None:
    row = session.get(WebSessionRow, _digest(token))
    if row is not None:
        audit.record(session, "user.logout", None, None, user=row.user_name, actor=row.user_name)
        session.delete(row)


def require_change(identity: Identity) -> None:
    """Raise for a read-only account: the one check every changing action goes through."""
    if not identity.can_change:
        raise StateError(f"{identity.name} har rollen läsare och kan inte ändra något.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
