"""Sending stored messages over SMTP with smtplib: plain, STARTTLS or implicit TLS, with login.

What goes over the wire is the stored .eml, byte for byte apart from line endings (SMTP
wants CRLF; the files on disk have LF), so the record and the sent message are the same.
Every failure becomes a `DeliveryError` that names the server and says whether trying
again later can help (4xx replies, dropped connections) or not (5xx, bad login, TLS).
"""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
from types import TracebackType

from remiss.errors import DeliveryError
from remiss.mail.settings import SmtpSettings

_EOL = re.compile(rb"\r?\n")


class SmtpConnection:
    """One SMTP session, opened on first use and reused for every message of a dispatch."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None):
        self.close()

    def open(self) -> None:
        if self._smtp is not None:
            return
        s = self.settings
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=s.ssl_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.security == "starttls":
                    smtp.starttls(context=s.ssl_context())
                    smtp.ehlo()
                if s.user:
                    _login(smtp, s.user, s.password or "")
            except BaseException:
                smtp.close()
                raise
        except (smtplib.SMTPException, OSError) as exc:
            raise translate(exc, s) from None
        self._smtp = smtp

    def send(self, data: bytes, sender: str, recipients: list[str]) -> list[str]:
        """Send one stored message; returns the recipients the server refused (others got it)."""
        self.open()
        assert self._smtp is not None
        try:
            refused = self._smtp.sendmail(sender, recipients, _EOL.sub(b"\r\n", data))
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise translate(exc, self.settings) from None
        return sorted(refused)

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login, except that a non-ASCII user or password (a Swedish "ö") goes as UTF-8.

    smtplib encodes credentials as ASCII and fails on anything else; AUTH PLAIN is defined
    on UTF-8 (RFC 4616), so that case is sent as PLAIN with UTF-8 when the server offers it.
    """
    if (user + password).isascii():
        smtp.login(user, password)
        return
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError(
            "inloggning med tecken utanför ASCII kräver AUTH PLAIN, som servern inte erbjuder"
        )
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def translate(exc: BaseException, settings: SmtpSettings) -> DeliveryError:
    """A Swedish DeliveryError naming the server; transient when a later attempt may succeed."""
    where = f"e-postservern {settings.address}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryError(
            f"Inloggningen som {settings.user} på {where} misslyckades ({_reply(exc)}). "
            "Kontrollera REMISS_SMTP_USER och REMISS_SMTP_PASSWORD.",
            transient=False,
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryError(
            f"{where.capitalize()} stöder inte det som krävs ({exc}). Kontrollera REMISS_SMTP_SECURITY.",
            transient=False,
        )
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(f"TLS-anslutningen till {where} misslyckades: {exc}", transient=False)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        refused = ", ".join(f"{addr} ({_reply_of(*reply)})" for addr, reply in exc.recipients.items())
        return DeliveryError(
            f"{where.capitalize()} tog inte emot mottagarna: {refused}",
            transient=all(400 <= c < 500 for c in codes),
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryError(
            f"{where.capitalize()} avvisade meddelandet ({_reply(exc)})",
            transient=400 <= exc.smtp_code < 500,
        )
    return DeliveryError(f"{where.capitalize()} kunde inte nås: {exc or type(exc).__name__}", transient=True)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return _reply_of(exc.smtp_code, exc.smtp_error)


def _reply_of(code: int, text: bytes | str) -> str:
    message = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {message}".strip()
