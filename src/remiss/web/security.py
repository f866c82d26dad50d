"""Who may do what: session cookies, CSRF tokens, the read-only role, login throttling, CSP.

Every page depends on `viewer` (logged in); every changing route on `changer`, which also
checks the CSRF token (form field `csrf` or header `X-CSRF-Token`) and the role. The login
form, before any session, carries an HMAC of a random pre-session cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from fastapi import Request

from remiss.services import accounts
from remiss.services.accounts import Identity, OpenedSession

SESSION_COOKIE = "remiss_session"
PRE_COOKIE = "remiss_pre"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class LoginRequired(Exception):
    """No live session: pages send the browser to the login form, the API answers 401."""


class Forbidden(Exception):
    """Logged in, but the role or the CSRF token does not allow this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Viewer:
    identity: Identity
    csrf: str


class LoginThrottle:
    """At most `limit` failed logins per name and per address in `window` seconds (per process)."""

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        with self._lock:
            return any(len(self._recent(k)) >= self.limit for k in keys)

    def failed(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._recent(key).append(time.monotonic())

    def succeeded(self, name_key: str) -> None:
        with self._lock:
            self._failures.pop(name_key, None)

    def _recent(self, key: str) -> deque[float]:
        found, cutoff = self._failures[key], time.monotonic() - self.window
        while found and found[0] < cutoff:
            found.popleft()
        return found


def current_session(request: Request) -> OpenedSession | None:
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return None
    with request.app.state.desk.db.session() as session:
        return accounts.find_session(session, token)


def viewer(request: Request) -> Viewer:
    found = current_session(request)
    if found is None:
        raise LoginRequired
    return Viewer(found.identity, found.csrf)


async def changer(request: Request) -> Viewer:
    """A coordinator whose request carries the session's CSRF token."""
    found = viewer(request)
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get("csrf") or "")
    if not sent or not hmac.compare_digest(sent, found.csrf):
        raise Forbidden(
            "Formuläret var för gammalt eller kom inte från skrivbordet. Ladda om sidan och försök igen."
        )
    if not found.identity.can_change:
        raise Forbidden(f"{found.identity.name} har rollen läsare och kan inte ändra något.")
    return found


def pre_session(request: Request) -> tuple[str, str]:
    """(pre-session cookie value, the login form's CSRF token derived from it)."""
    value = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(24)
    return value, login_token(request.app.state.desk.secret, value)


def login_token(secret: bytes, pre: str) -> str:
    return hmac.new(secret, pre.encode(), hashlib.sha256).hexdigest()
