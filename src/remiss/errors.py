"""One exception tree for everything remiss raises.

Every message is Swedish and names the file, organisation or field it is about, because
the people who read them are registrators and coordinators, not developers. Third-party
errors (zipfile, lxml, openpyxl, SQLAlchemy, smtplib) are translated into these at the
boundary of the module that calls the library.
"""

from __future__ import annotations


class RemissError(Exception):
    """Root of every error remiss raises on purpose."""


class ConfigError(RemissError):
    """A catalog or round definition is invalid; nothing was stored."""


class NotFoundError(RemissError):
    """A round, organisation or file the user named does not exist."""


class StateError(RemissError):
    """The operation does not fit the round's current state (e.g. editing a launched round)."""


class DocumentError(RemissError):
    """A document could not be written or read."""


class RejectedFile(DocumentError):
    """A returned file is refused; `reason` is the Swedish message kept with it in quarantine."""

    def __init__(self, reason: str, *, code: str = "rejected") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class MailError(RemissError):
    """An e-mail could not be composed or sent."""


class StoreError(RemissError):
    """The database is unreachable or its schema does not fit this version of remiss."""


_DISK_FAULTS = {
    "ENOSPC": "disken är full",
    "EDQUOT": "diskkvoten är slut",
    "EFBIG": "filen blev större än vad som tillåts",
    "EROFS": "mappen är skrivskyddad",
    "EACCES": "behörighet att skriva saknas",
    "EPERM": "behörighet att skriva saknas",
}


def disk_error(exc: OSError, path: object) -> StoreError | None:
    """A Swedish StoreError for an operator's fault while writing `path` (full disk, quota, read-only
    folder), or None when `exc` is something else. Nothing half-written is left: the callers
    remove their temporary file first, and a rerun after the fault is fixed takes up where this stopped."""
    import errno

    what = next(
        (text for name, text in _DISK_FAULTS.items() if getattr(errno, name, None) == exc.errno), None
    )
    if what is None:
        return None
    return StoreError(
        f"{path} kunde inte skrivas: {what} ({exc.strerror}). Det som redan sparats finns kvar; åtgärda "
        "felet (frigör utrymme eller gör arbetsmappen skrivbar) och kör kommandot igen."
    )


class DeliveryError(MailError):
    """A mail server refused or dropped a message; `transient` errors are worth retrying."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient
