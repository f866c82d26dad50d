"""The functional mailbox over IMAP (imaplib): list what is new, fetch it, mark it taken.

A message is "new" until it carries the keyword `$RemissProcessed` (or `$RemissFailed`, for one
that could not be handled); with REMISS_IMAP_PROCESSED_FOLDER (REMISS_IMAP_FAILED_FOLDER) set it
is also moved there. Fetching uses BODY.PEEK, so a
person reading the mailbox still sees what they have not read. The caller marks a
message only after everything taken from it is committed, and the store keeps its own
record as well, so a message is taken once even if marking it failed.
"""

from __future__ import annotations

import datetime as dt
import imaplib
import re
import ssl
import time
from dataclasses import dataclass
from types import TracebackType

from remiss.errors import MailError
from remiss.mail.settings import ImapSettings

KEYWORD = "$RemissProcessed"
FAILED = "$RemissFailed"  # a message that could not be handled: reported once, never taken again
_UID = re.compile(rb"\bUID (\d+)")


@dataclass(frozen=True)
class Fetched:
    uid: int
    data: bytes  # the whole message, as stored on the server
    arrived: dt.datetime  # the server's INTERNALDATE, aware UTC


class Mailbox:
    """One logged-in IMAP session with the configured folder selected for writing."""

    def __init__(self, settings: ImapSettings) -> None:
        self.settings = settings
        self._imap: imaplib.IMAP4 | None = None

    def __enter__(self) -> Mailbox:
        s = self.settings
        try:
            if s.security == "tls":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                    s.host, s.port, ssl_context=s.ssl_context(), timeout=s.timeout
                )
            else:
                imap = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
            self._imap = imap
            if s.security == "starttls":
                imap.starttls(ssl_context=s.ssl_context())
        except (imaplib.IMAP4.error, OSError) as exc:
            self.__exit__(None, None, None)
            raise self._error(exc) from None
        try:
            _login(imap, s.user or "", s.password or "")
        except imaplib.IMAP4.error as exc:
            self.__exit__(None, None, None)
            raise MailError(
                f"Inloggningen som {s.user} på IMAP-servern {s.address} misslyckades ({_text(exc)}). "
                "Kontrollera REMISS_IMAP_USER och REMISS_IMAP_PASSWORD."
            ) from None
        except OSError as exc:
            self.__exit__(None, None, None)
            raise self._error(exc) from None
        self._run(lambda imap: imap.select(_quote(s.folder)), f"mappen {s.folder}")
        if not s.processed_folder and not self._keywords_allowed():
            self.__exit__(None, None, None)
            raise MailError(
                f"IMAP-servern {s.address} tillåter inte egna markeringar i {s.folder}; "
                "ange REMISS_IMAP_PROCESSED_FOLDER så flyttas behandlade meddelanden dit i stället."
            )
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None):
        if self._imap is None:
            return
        try:
            if self._imap.state == "SELECTED":
                self._imap.close()
            self._imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
        self._imap = None

    def unprocessed(self) -> list[int]:
        """UIDs of the messages not yet taken, oldest first."""
        _, data = self._run(
            lambda imap: imap.uid("SEARCH", "UNKEYWORD", KEYWORD, "UNKEYWORD", FAILED), "sökningen"
        )
        return sorted(int(uid) for uid in (data[0] or b"").split())

    def fetch(self, uid: int) -> Fetched:
        _, data = self._run(
            lambda imap: imap.uid("FETCH", str(uid), "(UID INTERNALDATE BODY.PEEK[])"), f"meddelande {uid}"
        )
        for item in data:
            if isinstance(item, tuple) and _UID.search(item[0]):
                stamp = imaplib.Internaldate2tuple(item[0])
                now = dt.datetime.now(dt.UTC)
                arrived = dt.datetime.fromtimestamp(time.mktime(stamp), dt.UTC) if stamp else now
                return Fetched(uid, item[1], arrived)
        raise MailError(f"Meddelande {uid} i {self.settings.mailbox} kunde inte hämtas (finns det kvar?).")

    def mark_processed(self, uid: int) -> None:
        """Flag the message as taken and, if configured, move it to the processed folder."""
        self._run(lambda imap: imap.uid("STORE", str(uid), "+FLAGS", f"({KEYWORD})"), f"markeringen av {uid}")
        target = self.settings.processed_folder
        if target:
            self._run(lambda imap: imap.create(_quote(target)), None)  # exists already: fine
            self._run(lambda imap: imap.uid("MOVE", str(uid), _quote(target)), f"flytten till {target}")

    def mark_failed(self, uid: int) -> None:
        """Flag a message that cannot be handled and, if configured, move it to the failed folder."""
        self._run(lambda imap: imap.uid("STORE", str(uid), "+FLAGS", f"({FAILED})"), f"markeringen av {uid}")
        target = self.settings.failed_folder
        if target:
            self._run(lambda imap: imap.create(_quote(target)), None)  # exists already: fine
            self._run(lambda imap: imap.uid("MOVE", str(uid), _quote(target)), f"flytten till {target}")

    def _keywords_allowed(self) -> bool:
        assert self._imap is not None
        _, flags = self._imap.response("PERMANENTFLAGS")
        text = b" ".join(f for f in flags if isinstance(f, bytes))
        return b"\\*" in text or KEYWORD.encode() in text

    def _run(self, command, what: str | None):  # type: ignore[no-untyped-def]
        assert self._imap is not None
        try:
            typ, data = command(self._imap)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise self._error(exc) from None
        if what is not None:
            self._check((typ, data), what)
        return typ, data

    def _check(self, response: tuple[str, list], what: str) -> None:  # type: ignore[type-arg]
        typ, data = response
        if typ != "OK":
            detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
            raise MailError(f"IMAP-servern {self.settings.address} svarade {typ} på {what}: {detail}")

    def _error(self, exc: BaseException) -> MailError:
        s = self.settings
        if isinstance(exc, ssl.SSLError):
            return MailError(f"TLS-anslutningen till IMAP-servern {s.address} misslyckades: {exc}")
        if isinstance(exc, imaplib.IMAP4.error):
            return MailError(f"IMAP-servern {s.address} svarade med ett fel: {_text(exc)}")
        return MailError(f"IMAP-servern {s.address} kunde inte nås: {exc or type(exc).__name__}")


def _text(exc: BaseException) -> str:
    """imaplib puts the server's reply in the message as a bytes repr: b'[…] …'."""
    text = str(exc)
    return text[2:-1] if text.startswith(("b'", 'b"')) else text


def _login(imap: imaplib.IMAP4, user: str, password: str) -> None:
    """LOGIN, or AUTHENTICATE PLAIN in UTF-8 when a credential is not ASCII (imaplib's LOGIN is)."""
    if (user + password).isascii():
        imap.login(user, password)
    else:
        credentials = b"\0" + user.encode() + b"\0" + password.encode()
        imap.authenticate("PLAIN", lambda _challenge: credentials)


def _quote(name: str) -> str:
    """A folder name as an IMAP quoted string (spaces are allowed; keep names ASCII)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
