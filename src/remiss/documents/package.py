"""Opening a returned Office file safely, before any XML is parsed.

Order matters: cheap checks on raw bytes first (size, legacy/encrypted OLE containers,
PDF/RTF, not a zip), then the zip's central directory (member count, declared sizes,
compression ratio) so that a zip bomb is refused before a single byte is inflated.
zipfile never inflates a member past its declared size (it stops and fails the CRC), so
checking the declared sizes is enough.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from dataclasses import dataclass

from remiss.errors import ConfigError, RejectedFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_ENV = "REMISS_MAX_FILE_MB"
# Stream names in an OLE container's directory (UTF-16LE): what kind of container it is.
_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_LEGACY_WORD = "WordDocument".encode("utf-16-le")
_LEGACY_EXCEL = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


@dataclass(frozen=True)
class Limits:
    """Bounds on what a returned file may be and unpack to."""

    max_file_bytes: int = 25 * 1024 * 1024
    max_members: int = 2000
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: float = 200.0

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults, with the file size limit from REMISS_MAX_FILE_MB when it is set."""
        configured = os.environ.get(MAX_FILE_ENV, "").strip()
        if not configured:
            return cls()
        try:
            megabytes = float(configured)
        except ValueError:
            megabytes = -1.0
        if megabytes <= 0:
            raise ConfigError(
                f"{MAX_FILE_ENV}={configured!r} är ingen giltig storleksgräns (ange megabyte, t.ex. 25)."
            )
        return cls(max_file_bytes=int(megabytes * 1024 * 1024))


def check_size(size: int, name: str, limits: Limits | None = None) -> None:
    """RejectedFile when a file of `size` bytes is over the configured limit."""
    limits = limits or Limits.from_env()
    if size > limits.max_file_bytes:
        size_mb, limit_mb = _megabytes(size), _megabytes(limits.max_file_bytes)
        raise RejectedFile(
            f"{name} är {size_mb} MB, större än gränsen {limit_mb} MB. Ta bort stora bilder "
            "eller bilagor ur filen och skicka den igen.",
            code="too-large",
        )


def open_package(data: bytes, name: str, limits: Limits | None = None) -> zipfile.ZipFile:
    """A ZipFile over `data`, or RejectedFile with a Swedish reason naming `name`."""
    limits = limits or Limits.from_env()
    check_size(len(data), name, limits)
    if data.startswith(OLE_MAGIC):
        raise _ole_refusal(data, name)
    if not data.startswith(ZIP_MAGIC):
        raise RejectedFile(_not_zip_reason(data, name), code="not-zip")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise RejectedFile(
            f"{name} är skadad eller avkortad och kan inte öppnas. Spara filen på nytt och skicka den igen.",
            code="corrupt",
        ) from None
    _check_sizes(members, name, limits)
    return package


def read_member(package: zipfile.ZipFile, member: str, name: str) -> bytes:
    """Inflate one member, translating a corrupt stream into a refusal."""
    try:
        return package.read(member)
    except KeyError:
        raise RejectedFile(
            f"{name} saknar delen {member} och är inte en giltig Office-fil.", code="corrupt"
        ) from None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError):
        raise RejectedFile(
            f"{name} är skadad (delen {member} kan inte packas upp). "
            "Spara filen på nytt och skicka den igen.",
            code="corrupt",
        ) from None


def read_member_head(package: zipfile.ZipFile, member: str, name: str, size: int = 4096) -> bytes:
    """The first `size` inflated bytes of a member (only that much is decompressed)."""
    try:
        with package.open(member) as stream:
            return stream.read(size)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, KeyError):
        raise RejectedFile(
            f"{name} är skadad (delen {member} kan inte packas upp). "
            "Spara filen på nytt och skicka den igen.",
            code="corrupt",
        ) from None


def _check_sizes(members: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    if len(members) > limits.max_members:
        raise RejectedFile(
            f"{name} innehåller {len(members)} delar, fler än en Office-fil har. "
            "Filen tas inte emot av säkerhetsskäl (misstänkt zip-bomb).",
            code="zip-bomb",
        )
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_member_bytes or (
            info.file_size > 1_000_000 and ratio > limits.max_ratio
        ):
            raise RejectedFile(
                f"{name} packas upp till orimligt stor storlek (delen {info.filename}, "
                f"{info.file_size // 1024 // 1024} MB). "
                "Filen tas inte emot av säkerhetsskäl (misstänkt zip-bomb).",
                code="zip-bomb",
            )
    if total > limits.max_total_bytes:
        raise RejectedFile(
            f"{name} packas upp till {total // 1024 // 1024} MB. Filen tas inte emot av säkerhetsskäl "
            "(misstänkt zip-bomb).",
            code="zip-bomb",
        )


def _megabytes(size: int) -> str:
    """'1,5', '25': megabytes as a Swede writes them."""
    value = round(size / 1024 / 1024, 1)
    return f"{value:g}".replace(".", ",")


def _ole_refusal(data: bytes, name: str) -> RejectedFile:
    """Encrypted OOXML and legacy .doc/.xls are both OLE containers; their streams tell them apart."""
    head = data[: 1024 * 1024]  # the directory sectors of a small file; enough for the stream names
    if any(marker in head for marker in _ENCRYPTED):
        return RejectedFile(
            f"{name} är lösenordsskyddad (krypterad) och kan inte läsas. Ta bort lösenordet "
            "(i Word/Excel: Arkiv > Info > Skydda > Kryptera med lösenord, töm fältet), spara och "
            "skicka filen igen.",
            code="encrypted",
        )
    lower = name.lower()
    word = lower.endswith((".doc", ".dot")) or (_LEGACY_WORD in head and not lower.endswith(".xls"))
    excel = lower.endswith((".xls", ".xlt")) or any(marker in head for marker in _LEGACY_EXCEL)
    if word or excel:
        wanted = ".docx (Word-dokument)" if word else ".xlsx (Excel-arbetsbok)"
        old = ".doc" if word else ".xls"
        return RejectedFile(
            f"{name} är i det äldre Office-formatet ({old}), som inte tas emot. Öppna filen och spara "
            f"den som {wanted} via Arkiv > Spara som, och skicka den igen.",
            code="legacy-format",
        )
    return RejectedFile(
        f"{name} är i ett äldre eller okänt Office-format. Spara filen som .docx eller .xlsx "
        "och skicka den igen.",
        code="legacy-format",
    )


def _not_zip_reason(data: bytes, name: str) -> str:
    if not data:
        return f"{name} är tom (0 byte). Kontrollera att rätt fil bifogades och skicka den igen."
    if data.startswith(b"%PDF"):
        return (
            f"{name} är en PDF-fil. Svaren kan bara läsas ur den ifyllda Word- eller Excelfilen "
            "(.docx/.xlsx); skicka den i stället."
        )
    if data.lstrip().startswith(b"{\\rtf"):
        return f"{name} är i RTF-format. Spara filen som Word-dokument (.docx) och skicka den igen."
    return f"{name} är inte en Word- eller Excelfil (.docx/.xlsx). Kontrollera att rätt fil bifogades."
