"""The workspace: where the database, issued files, archive and quarantine live."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from remiss.errors import ConfigError


@dataclass(frozen=True)
class Workspace:
    """Everything remiss writes, rooted at REMISS_HOME (default: the current directory)."""

    home: Path
    database_url: str

    @classmethod
    def from_env(cls, home: Path | None = None) -> Workspace:
        given = os.environ.get("REMISS_HOME") if home is None else None
        root = Path(home or given or _current_folder()).expanduser().resolve()
        if given and not root.exists() and not root.parent.is_dir():
            # a typo would otherwise make a new, empty workspace (and its folders) somewhere odd
            raise ConfigError(
                f"REMISS_HOME={given}: mappen {root.parent} finns inte, så {root} kan inte vara en "
                "arbetsmapp; kontrollera stavningen."
            )
        url = os.environ.get("REMISS_DATABASE_URL") or f"sqlite:///{root / 'remiss.db'}"
        return cls(home=root, database_url=url)

    @property
    def exists(self) -> bool:
        """Whether a workspace is here: its SQLite file (a server database always counts)."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return True
        path = self.database_url[len(prefix) :]
        return path in ("", ":memory:") or Path(path).exists()

    @property
    def outbox(self) -> Path:
        return self.home / "outbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    def round_outbox(self, round_id: str, organisation_id: str) -> Path:
        return self.outbox / round_id / organisation_id


def settings_fingerprint() -> str:
    """A digest of every REMISS_* setting and the workspace they resolve to.

    `remiss serve` publishes it; a command hands its work to serve only when its own is the
    same, so the work runs with the database, mail settings and limits the command would use.
    """
    workspace = Workspace.from_env()
    items = sorted((k, v) for k, v in os.environ.items() if k.startswith("REMISS_") and k != "REMISS_HOME")
    text = repr((str(workspace.home), workspace.database_url, items))
    return hashlib.sha256(text.encode()).hexdigest()


def max_upload_bytes() -> int:
    """REMISS_MAX_UPLOAD_MB (default 100) in bytes: the desk's cap on one upload request."""
    raw = (os.environ.get("REMISS_MAX_UPLOAD_MB") or "").strip() or "100"
    try:
        megabytes = float(raw.replace(",", "."))
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < 1e6:
        raise ConfigError(
            f"REMISS_MAX_UPLOAD_MB='{raw}' är ingen giltig storleksgräns: ange megabyte som ett tal "
            "större än 0, t.ex. 100."
        )
    return int(megabytes * 1024 * 1024)


def _current_folder() -> Path:
    try:
        return Path.cwd()
    except FileNotFoundError:  # removed while the shell stood in it
        raise ConfigError(
            "Den aktuella mappen finns inte längre; byt mapp eller ange arbetsmappen med REMISS_HOME."
        ) from None
