"""Typer's own words in Swedish: help pages, usage lines and its errors about the command line.

Typer 0.29 carries its own copy of Click, without gettext, so there is no message catalog
to install. Its help texts are set where Typer reads them (the panel titles in
`typer.rich_utils`, each command's help option, usage metavars and formatter), and its
usage errors are caught (`standalone_mode=False`) and worded here from their parts:
which parameter, which option, which value, and pydantic's structured reason.
"""

from __future__ import annotations

import re

import typer
import typer.main
from pydantic import ValidationError
from rich.markup import escape
from typer import rich_utils
from typer._click import exceptions as click
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup, _TyperParameter

from remiss.cli.render import errors
from remiss.domain.validation import describe, join_or

HELP_OPTION = "Visa den här hjälpen och avsluta."
USAGE = "Användning: "

rich_utils.ARGUMENTS_PANEL_TITLE = "Argument"
rich_utils.OPTIONS_PANEL_TITLE = "Flaggor"
rich_utils.COMMANDS_PANEL_TITLE = "Kommandon"
rich_utils.ERRORS_PANEL_TITLE = "Fel"
rich_utils.ABORTED_TEXT = "Avbrutet."
rich_utils.DEFAULT_STRING = "[standard: {}]"
rich_utils.ENVVAR_STRING = "[miljövariabel: {}]"
rich_utils.REQUIRED_LONG_STRING = "[krävs]"
rich_utils.DEPRECATED_STRING = "(utgår) "
rich_utils.RICH_HELP = "Se [blue]'{command_path} {help_option}'[/] för hjälp."
rich_utils.OptionHighlighter.highlights = [*rich_utils.OptionHighlighter.highlights, rf"(?P<usage>{USAGE})"]


class _Formatter(HelpFormatter):
    """Click's help formatter, with the usage line's prefix in Swedish."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE if prefix is None else prefix)


class _Context(Context):
    formatter_class = _Formatter


def command(app: typer.Typer) -> Command:
    """The Click command tree of `app`, every command's own words in Swedish.

    Done on the finished tree, so commands that other modules register need nothing special.
    """
    root = typer.main.get_command(app)
    _translate(root)
    return root


def _translate(node: Command) -> None:
    node.context_class = _Context
    node.options_metavar = "[FLAGGOR]"
    if isinstance(node, TyperGroup):
        node.subcommand_metavar = "KOMMANDO [ARGUMENT]..."
    option = node.get_help_option(_Context(node, info_name=node.name))
    if option is not None:
        option.help = HELP_OPTION
    for param in [*node.params, option]:
        if isinstance(param, _TyperParameter) and param.bare_type() in _TYPES:
            label = _TYPES[param.bare_type()]
            param.display_type_rich = lambda ctx, label=label: label  # type: ignore[method-assign]
    for child in getattr(node, "commands", {}).values():
        _translate(child)


# Python's type names as the help page shows them; None: not shown (a flag says enough).
_TYPES = {
    "str": "<text>",
    "int": "<heltal>",
    "float": "<tal>",
    "bool": None,
    "Path": "<sökväg>",
    "list[Path]": "<sökvägar>",
    "list[str]": "<text …>",
    "date": "<datum>",
}


def show_usage_error(exc: click.ClickException) -> int:
    """Print a usage error in Swedish (message, usage line, where to get help); its exit status."""
    if isinstance(exc, click.NoArgsIsHelpError):
        return exc.exit_code  # Typer has printed the help page, which is the answer
    errors.print(f"[red]Fel:[/] {escape(usage_message(exc))}", highlight=False, soft_wrap=True)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        errors.print(escape(ctx.get_usage()), highlight=False, soft_wrap=True)
        names = ctx.help_option_names
        if names and ctx.command.get_help_option(ctx) is not None:
            errors.print(f"Se '{escape(ctx.command_path)} {names[0]}' för hjälp.", highlight=False)
    return exc.exit_code


_KIND = {"argument": "argumentet", "option": "flaggan", "parameter": "parametern"}


def usage_message(exc: click.ClickException) -> str:
    """What was wrong with the command line, in Swedish, naming the parameter and the value."""
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        return f"{_KIND.get(kind, 'parametern').capitalize()} {_hint(exc)} saknas.".replace("  ", " ")
    if isinstance(exc, click.NoSuchOption):
        close = f" (menade du {join_or(sorted(exc.possibilities))}?)" if exc.possibilities else ""
        return f"Flaggan {exc.option_name} finns inte{close}."
    if isinstance(exc, click.BadParameter):
        return f"Ogiltigt värde för {_hint(exc)}: {_reason(exc)}."
    return _reworded(exc.message)


def _hint(exc: click.BadParameter) -> str:
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(hints)
    return exc.param.get_error_hint() if exc.param is not None else ""


def _reason(exc: click.BadParameter) -> str:
    cause = exc.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        return describe(cause.errors()[0]).rstrip(".")
    return _reworded(exc.message).rstrip(".")


QUOTED = r"'([^']*)'"

# The messages Typer's Click words itself, and what they say in Swedish.
_MESSAGES = (
    (r"Got unexpected extra arguments? ?(?:\(s\))? \((.*)\)", "Oväntat extra argument: {0} (se --help)"),
    (r"No such command '(.*)'\.(?: Did you mean (.*)\?)?", "Kommandot '{0}' finns inte{1}."),
    (r"Missing command\.", "Ange ett kommando (se --help)."),
    (r"Option '(.*)' requires an argument\.", "Flaggan '{0}' behöver ett värde."),
    (r"Option '(.*)' requires (\d+) arguments\.", "Flaggan '{0}' behöver {1} värden."),
    (r"Option '(.*)' does not take a value\.", "Flaggan '{0}' tar inget värde."),
    (r"Argument '(.*)' takes (\d+) values\.", "Argumentet '{0}' tar {1} värden."),
    (r"\w+ '(.*)' does not exist\.", "'{0}' finns inte"),
    (r"\w+ '(.*)' is a file\.", "'{0}' är en fil (ange en mapp)"),
    (r"\w+ '(.*)' is a directory\.", "'{0}' är en mapp (ange en fil)"),
    (r"\w+ '(.*)' is not readable\.", "'{0}' kan inte läsas (behörighet saknas)"),
    (r"\w+ '(.*)' is not writable\.", "'{0}' kan inte skrivas (behörighet saknas)"),
)


def _reworded(message: str) -> str:
    for pattern, swedish in _MESSAGES:
        match = re.fullmatch(pattern, message.strip())
        if match:
            parts = list(match.groups())
            if "Did you mean" in message and parts[1]:
                parts[1] = f" (menade du {join_or(re.findall(QUOTED, parts[1]))}?)"
            return swedish.format(*[part or "" for part in parts])
    return f"Kommandoraden kan inte tolkas ({message})"
