"""Where the mail servers are: SMTP for what remiss sends, IMAP for the functional mailbox.

Read from the environment (REMISS_SMTP_*, REMISS_IMAP_*) or, in the flows, from a Prefect
Secret block holding the same keys as JSON: never from a config file, so no password ends
up in a repository. Nothing here connects; `smtp.py` and `imap.py` do.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from remiss.errors import ConfigError

SECURITY = ("none", "starttls", "tls")
SMTP_PORTS = {"none": 25, "starttls": 587, "tls": 465}
IMAP_PORTS = {"none": 143, "starttls": 143, "tls": 993}
DEFAULT_SENDER = "remiss@example.org"


@dataclass(frozen=True)
class ServerSettings:
    """One mail server: host, port, login and how the connection is protected."""

    host: str
    port: int
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    cafile: str | None = None  # a CA bundle for an internal certificate authority
    timeout: float = 30.0

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class SmtpSettings(ServerSettings):
    mail_from: str = DEFAULT_SENDER


@dataclass(frozen=True)
class ImapSettings(ServerSettings):
    folder: str = "INBOX"
    processed_folder: str | None = None  # move taken messages here; else they only get a keyword
    failed_folder: str | None = None  # move messages that cannot be handled here; else only a keyword

    @property
    def mailbox(self) -> str:
        return f"{self.user or ''}@{self.host}/{self.folder}"


def answer_domains() -> frozenset[str]:
    """The city's own mail domains (REMISS_MAIL_DOMAINS, comma-separated): senders remiss may answer
    besides the catalog's addresses. Nobody else is ever mailed by `remiss fetch`."""
    raw = os.environ.get("REMISS_MAIL_DOMAINS", "")
    return frozenset(d.strip().lower().lstrip("@") for d in raw.split(",") if d.strip())


def smtp_configured() -> bool:
    """Whether messages recorded now are meant to be sent (else only the .eml is written)."""
    return bool(os.environ.get("REMISS_SMTP_HOST") or os.environ.get("REMISS_SMTP_BLOCK"))


def sender_address() -> str:
    return os.environ.get("REMISS_MAIL_FROM") or DEFAULT_SENDER


def smtp_from_env() -> SmtpSettings | None:
    """REMISS_SMTP_HOST and friends; None when REMISS_SMTP_HOST is not set."""
    values = _env("REMISS_SMTP_")
    if not values.get("host"):
        return None
    values.setdefault("mail_from", sender_address())
    return _build(SmtpSettings, values, SMTP_PORTS, _env_name("REMISS_SMTP_"))


def imap_from_env() -> ImapSettings:
    values = _env("REMISS_IMAP_")
    if not values.get("host"):
        raise ConfigError(
            "REMISS_IMAP_HOST är inte satt: ange IMAP-servern för funktionsbrevlådan "
            "(och REMISS_IMAP_USER, REMISS_IMAP_PASSWORD)."
        )
    return _build(ImapSettings, values, IMAP_PORTS, _env_name("REMISS_IMAP_"))


def smtp_from_mapping(values: Mapping[str, Any], source: str) -> SmtpSettings:
    """From a mapping (a Prefect Secret block) with the keys host, port, security, user, password, …"""
    values = {str(k).lower(): v for k, v in values.items() if v not in (None, "")}
    if not values.get("host"):
        raise ConfigError(f"{source}: fältet 'host' saknas")
    values.setdefault("mail_from", sender_address())
    return _build(SmtpSettings, values, SMTP_PORTS, lambda key: f"{source}: fältet '{key}'")


def _env_name(prefix: str) -> Callable[[str], str]:
    return lambda key: prefix + key.upper()


def _env(prefix: str) -> dict[str, str]:
    names = ("host", "port", "security", "user", "password", "cafile", "folder")
    names += ("processed_folder", "failed_folder")
    found = {name: os.environ.get(prefix + name.upper()) for name in names}
    if prefix == "REMISS_SMTP_" and os.environ.get("REMISS_MAIL_FROM"):
        found["mail_from"] = os.environ["REMISS_MAIL_FROM"]
    return {k: v for k, v in found.items() if v}


def _build(cls: type[Any], values: dict[str, Any], ports: dict[str, int], name: Callable[[str], str]) -> Any:
    unknown = sorted(set(values) - set(cls.__dataclass_fields__))
    if unknown:
        raise ConfigError(f"{name(unknown[0])}: okänd inställning")
    security = str(values.get("security", "starttls")).lower()
    if security not in SECURITY:
        raise ConfigError(f"{name('security')}: '{security}' ska vara none, starttls eller tls")
    try:
        port = int(values.get("port") or ports[security])
    except ValueError:
        raise ConfigError(f"{name('port')}: '{values['port']}' ska vara ett portnummer") from None
    if not 0 < port < 65536:
        raise ConfigError(f"{name('port')}: {port} ska vara ett portnummer (1–65535)")
    return cls(**{**values, "security": security, "port": port})
