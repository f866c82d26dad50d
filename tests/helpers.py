"""Test helpers that act on real files the way people and their editors do."""

from __future__ import annotations

import atexit
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from remiss.cli import app

SOFFICE = shutil.which("soffice")


def libreoffice_resave(
    data: bytes, work: Path, suffix: str, target: str | None = None, stem: str = "svar"
) -> bytes:
    """`data` (a .`suffix` file) opened and saved as `target` (default the same format) by LibreOffice.

    The test process keeps one LibreOffice profile for all its calls (a fresh profile costs
    LibreOffice several seconds of setting up), and runs one call at a time in it; other
    processes have profiles of their own. A call that fails throws its profile away.
    """
    target = target or suffix
    source, out = work / f"{stem}.{suffix}", work / f"ut-{stem}-{target}"
    source.write_bytes(data)
    with _PROFILE_LOCK:
        profile = _profile()
        command = [
            str(SOFFICE),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
        ]
        try:
            subprocess.run(
                [*command, "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=300
            )
        except BaseException:
            shutil.rmtree(profile, ignore_errors=True)
            raise
    return (out / f"{stem}.{target}").read_bytes()


_PROFILE_LOCK = threading.Lock()


def _profile() -> Path:
    """This process's LibreOffice profile folder, removed when the process ends."""
    profile = Path(tempfile.gettempdir()) / f"remiss-lo-{os.getpid()}-{_RUN}"
    if profile not in _PROFILES:  # LibreOffice makes the folder on its first start
        _PROFILES.append(profile)
        atexit.register(shutil.rmtree, profile, ignore_errors=True)
    return profile


_RUN = uuid.uuid4().hex[:8]
_PROFILES: list[Path] = []


def rewrite_member(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """A copy of an Office zip with one part changed (as a hand-editing user would)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, change(content) if info.filename == member else content)
    return out.getvalue()


def run_cli(*args: str, expect: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result.output


def run_json(*args: str, expect: int = 0) -> object:
    """The command's JSON (stdout only: warnings go to stderr and do not break it)."""
    result = CliRunner().invoke(app, [*args, "--json"], catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return json.loads(result.stdout)


def run_both(*args: str, expect: int = 0) -> tuple[str, str]:
    """(stdout, stderr) of a command, for what it says where."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result.stdout, result.stderr


def issued(home: Path, round_id: str, org_id: str, suffix: str) -> Path:
    return home / "outbox" / round_id / org_id / f"remissvar-{round_id}-{org_id}{suffix}"


def backdate_launch(round_id: str, day: str) -> None:
    """Record the round's requests as sent on `day` (ISO), as if it had been launched then.

    `remiss chase --today` writes no reminder for a day before the requests went out; a
    test that replays a 2016 round's calendar says when the round went out.
    """
    import datetime as dt

    from sqlalchemy import update

    from remiss.settings import Workspace
    from remiss.store.database import open_database
    from remiss.store.schema import IssuedDocumentRow, RoundRow

    moment = dt.datetime.fromisoformat(f"{day}T08:00:00+00:00")
    with open_database(Workspace.from_env().database_url).session() as session:
        session.execute(update(RoundRow).where(RoundRow.id == round_id).values(launched_at=moment))
        session.execute(
            update(IssuedDocumentRow).where(IssuedDocumentRow.round_id == round_id).values(issued_at=moment)
        )
