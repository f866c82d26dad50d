"""Small file helpers: atomic writes, content hashes, and file names made safe to store and show.

A received file's name is data chosen by a stranger: it may hold newlines, control
characters, path parts, 400 bytes or bytes that are not UTF-8. remiss keeps it as data
(`original_name`), stores the bytes under a name it makes itself (hash + a cleaned,
length-capped version) and shows only a cleaned version (`display_name`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import unicodedata
import uuid
from pathlib import Path

from remiss.errors import disk_error

STORED_NAME_BYTES = 96  # the cleaned name beside the hash; far below any file system's 255
DISPLAY_CHARS = 120  # a name as shown in a table, a message or a sidecar
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so readers never see a half-written file.

    The temporary file is removed when the write fails (a full disk, a read-only folder).
    """
    # Unique per writer: threads of one process, and hosts sharing a network folder, never collide.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        try:
            tmp.write_bytes(data)
        except FileNotFoundError:  # the folder's first file (asking first would cost every file a call)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        fault = disk_error(exc, path) if isinstance(exc, OSError) else None
        if fault is not None:
            raise fault from None
        raise


def name_from_path(path: Path) -> str:
    """A file's name as text: UTF-8 when it is, else Windows-1252 / Latin-1 (zips from Windows), in NFC."""
    raw = os.fsencode(path.name)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict") if _cp1252(raw) else raw.decode("latin-1")
    return unicodedata.normalize("NFC", text)


def _cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def as_text(name: str) -> str:
    """A name as storable text: lone surrogates (undecodable bytes) and NUL replaced."""
    return name.encode("utf-8", "replace").decode("utf-8").replace("\0", "\ufffd")


def display_name(name: str, limit: int = DISPLAY_CHARS) -> str:
    """A name fit for one line of a message, a header, a table or a sidecar: no control characters.

    Newlines, tabs, ESC, BEL, bidi overrides and the like become "_"; a long name keeps its
    beginning and its extension around an ellipsis.
    """
    text = unicodedata.normalize("NFC", as_text(name))
    clean = "".join("_" if unicodedata.category(c) in _INVISIBLE else c for c in text).strip() or "fil"
    if len(clean) <= limit:
        return clean
    stem, dot, suffix = clean.rpartition(".")
    if not dot or len(suffix) > 10:
        return clean[: limit - 1] + "…"
    return stem[: limit - len(suffix) - 2] + "…." + suffix


def safe_name(name: str) -> str:
    """A name remiss makes to store a file beside its hash: letters, digits and "._- ", at most
    STORED_NAME_BYTES in UTF-8, never a path part ("..") and never empty."""
    text = unicodedata.normalize("NFC", as_text(name)).replace("/", "_").replace("\\", "_")
    clean = "".join(c if c.isalnum() or c in "._- " else "_" for c in text).strip(" .") or "fil"
    stem, dot, suffix = clean.rpartition(".")
    if not dot or len(suffix.encode()) > 10:
        stem, suffix = clean, ""
    budget = STORED_NAME_BYTES - len(suffix.encode()) - (1 if suffix else 0)
    stem = stem.encode()[:budget].decode("utf-8", "ignore").strip(" .") or "fil"
    return f"{stem}.{suffix}" if suffix else stem
