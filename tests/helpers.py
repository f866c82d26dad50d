"""Test helpers that act on real files the way people and their editors do."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from remiss.cli import app


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
    return json.loads(run_cli(*args, "--json", expect=expect))


def issued(home: Path, round_id: str, org_id: str, suffix: str) -> Path:
    return home / "outbox" / round_id / org_id / f"remissvar-{round_id}-{org_id}{suffix}"
