"""Opening a returned Office file safely, before any XML is parsed.

Order matters: cheap checks on raw bytes first (legacy/encrypted OLE containers, not a
zip), then the zip's central directory (member count, declared sizes, compression ratio)
so that a zip bomb is refused before a single byte is inflated.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from remiss.errors import RejectedFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Limits:
    """Bounds on what a returned file may unpack to."""

    max_file_bytes: int = 25 * 1024 * 1024
    max_members: int = 2000
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: float = 200.0


DEFAULT_LIMITS = Limits()


def open_package(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> zipfile.ZipFile:
    """A ZipFile over `data`, or RejectedFile with a Swedish reason naming `name`."""
    if len(data) > limits.max_file_bytes:
        size_mb = len(data) / 1024 / 1024
        limit_mb = limits.max_file_bytes / 1024 / 1024
        raise RejectedFile(
            f"{name} är {size_mb:.1f} MB, större än gränsen {limit_mb:.0f} MB.", code="too-large"
        )
    if data.startswith(OLE_MAGIC):
        raise RejectedFile(_ole_reason(name), code="ole")
    if not data.startswith(ZIP_MAGIC):
        raise RejectedFile(
            f"{name} är inte en Word- eller Excelfil (.docx/.xlsx). Kontrollera att rätt fil bifogades.",
            code="not-zip",
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
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
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise RejectedFile(
            f"{name} är skadad (delen {member} kan inte packas upp). "
            "Spara filen på nytt och skicka den igen.",
            code="corrupt",
        ) from None


def _check_sizes(members: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    if len(members) > limits.max_members:
        raise RejectedFile(
            f"{name} innehåller {len(members)} delar, fler än en Office-fil har.", code="zip-bomb"
        )
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_member_bytes or (
            info.file_size > 1_000_000 and ratio > limits.max_ratio
        ):
            raise RejectedFile(
                f"{name} packas upp till orimligt stor storlek (delen {info.filename}). "
                "Filen tas inte emot av säkerhetsskäl (misstänkt zip-bomb).",
                code="zip-bomb",
            )
    if total > limits.max_total_bytes:
        raise RejectedFile(
            f"{name} packas upp till {total // 1024 // 1024} MB. Filen tas inte emot (misstänkt zip-bomb).",
            code="zip-bomb",
        )


def _ole_reason(name: str) -> str:
    lower = name.lower()
    if lower.endswith((".doc", ".xls")):
        wanted = ".docx" if lower.endswith(".doc") else ".xlsx"
        return (
            f"{name} är i det äldre Office-formatet. Öppna filen och spara den som {wanted} "
            "(Arkiv > Spara som), och skicka den igen."
        )
    return (
        f"{name} är lösenordsskyddad (krypterad) eller i det äldre Office-formatet. "
        "Ta bort lösenordet, spara som .docx eller .xlsx och skicka filen igen."
    )
