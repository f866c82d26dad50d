"""Test helpers that act on real files the way people and their editors do."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
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

    Each call runs in a LibreOffice profile of its own, so tests running at once never share one.
    """
    target = target or suffix
    source, out = work / f"{stem}.{suffix}", work / f"ut-{stem}-{target}"
    source.write_bytes(data)
    profile = Path(tempfile.gettempdir()) / f"remiss-lo-{uuid.uuid4().hex}"
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
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return (out / f"{stem}.{target}").read_bytes()


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
