"""The arguments and options several commands take, written once so their help reads the same everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from remiss.swedish import parse_date

JsonOption = Annotated[bool, typer.Option("--json", help="Skriv resultatet som JSON (för skript).")]
RoundArg = Annotated[str, typer.Argument(metavar="OMGÅNG", help="Omgångens id, t.ex. sh-2016.")]
OrgArg = Annotated[
    str, typer.Argument(metavar="ORGANISATION", help="Förvaltningens id i katalogen, t.ex. bromma.")
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Vem som gör ändringen, för loggen (standard: användaren i operativsystemet)."),
]
DayOption = Annotated[
    dt.date | None,
    typer.Option(
        "--today", parser=parse_date, metavar="ÅÅÅÅ-MM-DD", help="Räkna som om dagens datum vore detta."
    ),
]
