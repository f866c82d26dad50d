"""The CLI's last line: whatever goes wrong, a person reads one Swedish line, never a traceback.

Usage errors are worded by `swedish`; a RemissError (or a third-party error that
`remiss.errors.translate` recognises) is printed as it is; anything else is a bug in remiss,
reported as one line naming a log file that holds the traceback for whoever maintains it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import typer
from rich.markup import escape
from typer._click import exceptions as click

from remiss.cli import swedish
from remiss.cli.render import errors
from remiss.errors import RemissError, translate

EXIT_ERROR = 2  # a RemissError or a usage error, as before
EXIT_INTERRUPTED = 130
EXIT_BUG = 70  # EX_SOFTWARE (sysexits.h): remiss itself failed


def run(app: typer.Typer, argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: sys.argv) of `app`; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = swedish.command(app).main(args=args, prog_name="remiss", standalone_mode=False)
    except click.ClickException as exc:
        return swedish.show_usage_error(exc)
    except typer.Abort:
        errors.print("Avbrutet.", highlight=False)
        return 1
    except KeyboardInterrupt:
        errors.print("Avbrutet.", highlight=False)
        return EXIT_INTERRUPTED
    except Exception as exc:
        known = translate(exc)
        if known is None:
            return report_bug(exc, args)
        show(known)
        return EXIT_ERROR
    return result if isinstance(result, int) else 0


def show(error: RemissError) -> None:
    errors.print(f"[red]Fel:[/] {escape(str(error))}", highlight=False, soft_wrap=True)


def report_bug(exc: BaseException, args: list[str]) -> int:
    """One Swedish line with the log file that holds the traceback; exit status 70."""
    name = type(exc).__name__
    log = write_log(exc, args)
    where = (
        f"Detaljerna för felsökning finns i {log}; skicka filen till den som förvaltar remiss."
        if log
        else "Detaljerna kunde inte sparas i någon loggfil."
    )
    errors.print(
        f"[red]Fel:[/] ett oväntat fel i remiss ({escape(name)}). {escape(where)}",
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_BUG


def write_log(exc: BaseException, args: list[str]) -> Path | None:
    """The traceback in a new file under $REMISS_HOME/logs, else the temp folder; None if neither."""
    stamp = dt.datetime.now(dt.UTC)
    text = "\n".join(
        [
            f"remiss {_version()}: oväntat fel {stamp.isoformat(timespec='seconds')}",
            f"Kommando: remiss {' '.join(args)}",
            f"Python {platform.python_version()} på {platform.platform()}",
            "",
            "".join(traceback.format_exception(exc)),
        ]
    )
    name = f"fel-{stamp:%Y%m%d-%H%M%S}-{os.getpid()}.log"
    for folder in _log_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def _log_folders() -> list[Path]:
    folders = []
    with contextlib.suppress(OSError):  # the working directory may be gone
        folders.append(Path(os.environ.get("REMISS_HOME") or Path.cwd()).resolve() / "logs")
    folders.append(Path(tempfile.gettempdir()) / "remiss-logs")
    return folders


def _version() -> str:
    try:
        return metadata.version("remiss")
    except metadata.PackageNotFoundError:
        return "(okänd version)"
