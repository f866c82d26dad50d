"""`remiss user add|disable|list`: the desk's local accounts (argon2-hashed passwords)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from remiss.errors import ConfigError
from remiss.settings import Workspace

user_app = typer.Typer(help="Konton för skrivbordet i webbläsaren (remiss serve).", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(metavar="NAMN", help="Användarnamn, t.ex. anna.svensson.")],
    role: Annotated[
        str, typer.Option("--role", help="samordnare (kan ändra) eller läsare (kan bara läsa).")
    ] = "samordnare",
) -> None:
    """Lägg till ett konto eller byt lösenord och roll (frågas två gånger, eller läses från stdin)."""
    from remiss.services import accounts
    from remiss.store.database import open_database

    chosen = accounts.parse_role(role)
    if sys.stdin.isatty():
        password = typer.prompt("Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise ConfigError("Inget lösenord på standard in.")
    with open_database(Workspace.from_env().database_url).session() as session:
        existed = name.strip() in {known for known, _ in accounts.list_users(session)}
        accounts.add_user(session, name, password, chosen)
    if existed:
        print(f"{name} fanns redan: nytt lösenord och rollen {chosen.value}.")
    else:
        print(f"{name}: {chosen.label.lower()}")


@user_app.command("disable")
def user_disable(
    name: Annotated[str, typer.Argument(metavar="NAMN", help="Kontot som ska spärras.")],
) -> None:
    """Spärra ett konto: inga fler inloggningar, och dess öppna sessioner avslutas nu."""
    from remiss.cli import checks
    from remiss.services import accounts
    from remiss.store.database import open_database

    with open_database(checks.workspace().database_url).session() as session:
        ended = accounts.disable_user(session, name)
    name = name.strip()
    print(f"{name} är spärrat ({ended} öppna sessioner avslutades); remiss user add {name} öppnar det igen.")


@user_app.command("list")
def user_list() -> None:
    """Visa kontona och deras roller."""
    from remiss.cli import checks
    from remiss.services import accounts
    from remiss.store.database import open_database

    with open_database(checks.workspace().database_url).session() as session:
        users = accounts.list_users(session)
        disabled = accounts.disabled_users(session)
    for name, role in users:
        print(f"{name}\t{role.value}" + ("\tspärrat" if name in disabled else ""))
    if not users:
        print("Inga konton ännu: lägg till ett med remiss user add NAMN --role samordnare.")
