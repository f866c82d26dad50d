"""Small file helpers: atomic writes and content hashes."""

from __future__ import annotations

import hashlib
import os
import unicodedata
import uuid
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file and rename, so readers never see a half-written file."""
    # Unique per writer: threads of one process, and hosts sharing a network folder, never collide.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        tmp.write_bytes(data)
    except FileNotFoundError:  # the folder's first file (asking first would cost every file a call)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
    tmp.replace(path)


def safe_name(name: str) -> str:
    """A file name as received (NFC, no path parts), fit to store beside its hash."""
    name = unicodedata.normalize("NFC", Path(name).name)
    return "".join(c if c.isalnum() or c in "._- " else "_" for c in name).strip() or "fil"
