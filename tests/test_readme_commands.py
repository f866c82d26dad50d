"""Every command of the `remiss` CLI, sub-commands included, is documented in README.md.

The commands are found by walking the Typer app as Click sees it, so a command added in a
module of its own under src/remiss/cli/ is checked as soon as it is registered. A command
counts as documented when the README shows it being run: `remiss round create`, `remiss
collect`, … (in a code block or inline).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

from remiss.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def commands(group: Any, prefix: tuple[str, ...] = ()) -> list[str]:
    """'round create', 'collect', … for every leaf command under `group` (Typer's own Click)."""
    children = getattr(group, "commands", None)
    if children is None:
        return [" ".join(prefix)]
    found: list[str] = []
    for name, command in sorted(children.items()):
        if not getattr(command, "hidden", False):
            found += commands(command, (*prefix, name))
    return found


def documented(command: str, text: str) -> bool:
    return re.search(rf"\bremiss {re.escape(command)}(?![\w-])", text) is not None


def test_the_walk_finds_the_commands_of_sub_apps():
    found = commands(typer.main.get_command(app))
    assert {"round create", "round launch", "collect", "db upgrade"} <= set(found)


def test_documented_needs_the_whole_command():
    assert documented("round create", "run `remiss round create FILE`")
    assert not documented("round create", "run `remiss round launch R`")
    assert not documented("send", "`remiss sendmail`")


def test_every_command_is_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [c for c in commands(typer.main.get_command(app)) if not documented(c, text)]
    assert not missing, (
        "Commands not documented in README.md (show each as `remiss <command> …`): " + ", ".join(missing)
    )
