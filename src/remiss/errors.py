"""One exception tree for everything remiss raises.

Every message is Swedish and names the file, organisation or field it is about, because
the people who read them are registrators and coordinators, not developers. Third-party
errors (zipfile, lxml, openpyxl, SQLAlchemy, smtplib) are translated into these at the
boundary of the module that calls the library, where the file or setting is known; what
escapes that is mapped once more by `translate` (OS and database errors) before a front end
decides it is a bug.
"""

from __future__ import annotations

import errno


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
    what = _DISK_FAULTS.get(errno.errorcode.get(exc.errno or 0, ""))
    if what is None:
        return None
    return StoreError(
        f"{path} kunde inte skrivas: {what} ({exc.strerror}). Det som redan sparats finns kvar; åtgärda "
        "felet (frigör utrymme eller gör arbetsmappen skrivbar) och försök igen."
    )


class DeliveryError(MailError):
    """A mail server refused or dropped a message; `transient` errors are worth retrying."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


class InputError(RemissError):
    """A command was given a value it cannot use (a path, a date, an option); nothing was done."""


# What the operating system says, as a person can act on it (errno names, not English prose).
_OS_REASONS = {
    "ENOENT": "finns inte",
    "EACCES": "behörighet saknas",
    "EPERM": "behörighet saknas",
    "EISDIR": "är en mapp, inte en fil",
    "ENOTDIR": "en del av sökvägen är inte en mapp",
    "EEXIST": "finns redan",
    "ENOSPC": "disken är full",
    "EDQUOT": "diskkvoten är slut",
    "EROFS": "filsystemet är skrivskyddat",
    "ENAMETOOLONG": "namnet är för långt",
    "EBUSY": "används av ett annat program",
    "ETXTBSY": "används av ett annat program",
    "ELOOP": "har för många symboliska länkar i rad",
}


def translate(exc: BaseException) -> RemissError | None:
    """The RemissError a third-party error means to the person who caused it; None for a bug.

    The one place where errors that escaped every module's own translation are mapped (as
    httpx maps httpcore's): the CLI calls it on anything unexpected before deciding that it
    is a bug, and so can any other front end.
    """
    if isinstance(exc, RemissError):
        return exc
    if isinstance(exc, OSError) and exc.filename is not None:
        return _os_error(exc)
    if isinstance(exc, MemoryError):
        return RemissError("Minnet räckte inte till för uppgiften; försök med färre filer åt gången.")
    if type(exc).__module__.startswith("sqlalchemy"):
        return _database_error(exc)
    return None


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in Swedish."""
    code = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(code) or f"kan inte läsas eller skrivas (felkod {code or exc.errno})"


def _os_error(exc: OSError) -> RemissError:
    target = f"{exc.filename} -> {exc.filename2}" if exc.filename2 else str(exc.filename)
    kind = NotFoundError if isinstance(exc, FileNotFoundError) else DocumentError
    return kind(f"{target}: {os_reason(exc)}.")


def _database_error(exc: BaseException) -> RemissError | None:
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.ArgumentError | sa.NoSuchModuleError):
        return StoreError(f"REMISS_DATABASE_URL kan inte användas: {describe_database(exc)}")
    if isinstance(exc, sa.DBAPIError):
        return StoreError(f"Databasen kan inte användas: {describe_database(exc)}")
    return None


# Driver messages that users meet, in Swedish; the driver's own words otherwise.
_DATABASE_REASONS = (
    (
        "Could not parse SQLAlchemy URL",
        "adressen kan inte tolkas (t.ex. sqlite:///sökväg/remiss.db "
        "eller postgresql+psycopg://användare@värd/databas)",
    ),
    ("Can't load plugin", "databastypen är okänd (sqlite eller postgresql+psycopg)"),
    ("No module named", "drivrutinen för databastypen saknas (sqlite och postgresql+psycopg ingår)"),
    (
        "unable to open database file",
        "databasfilen kan inte öppnas eller skapas (finns mappen, och får remiss skriva där?)",
    ),
    ("file is not a database", "filen är ingen SQLite-databas (skadad, eller en annan sorts fil)"),
    ("database is locked", "databasen är låst av en annan process; försök igen om en stund"),
    ("readonly database", "databasen är skrivskyddad"),
    ("database or disk is full", "databasen eller disken är full"),
    ("Connection refused", "databasservern svarar inte (anslutningen nekades)"),
    ("password authentication failed", "fel användarnamn eller lösenord"),
    ("does not exist", "databasen eller användaren finns inte på servern"),
    ("could not translate host name", "databasserverns namn är okänt"),
    ("Name or service not known", "databasserverns namn är okänt"),
    ("timeout expired", "databasservern svarade inte i tid"),
)


def describe_database(exc: BaseException) -> str:
    """A database error as a Swedish phrase (used by the store, which knows the URL)."""
    text = str(getattr(exc, "orig", None) or exc)
    for english, swedish in _DATABASE_REASONS:
        if english.lower() in text.lower():
            return swedish
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"databasen svarade: {first}"
