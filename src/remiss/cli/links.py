"""`remiss link new|revoke`: a nämnd's personal answer link (REMISS_BASE_URL/svar/<token>)."""

from __future__ import annotations

import typer

from remiss.cli.options import OrgArg, RoundArg
from remiss.settings import Workspace

link_app = typer.Typer(
    help="Nämndernas personliga svarslänkar (sidan /svar/… i remiss serve).", no_args_is_help=True
)


@link_app.command("new")
def link_new(round_id: RoundArg, organisation: OrgArg) -> None:
    """Skapa en ny svarslänk och skriv ut den (den gamla slutar gälla; den nya sparas bara som hash)."""
    from remiss.services import links
    from remiss.services.work import open_work

    print(links.reissue(open_work(Workspace.from_env(), round_id), organisation))


@link_app.command("revoke")
def link_revoke(round_id: RoundArg, organisation: OrgArg) -> None:
    """Spärra nämndens svarslänk; den som öppnar den får veta att den spärrats."""
    from remiss.services import links
    from remiss.services.work import open_work

    ended = links.revoke(open_work(Workspace.from_env(), round_id), organisation)
    print(f"{organisation}: länken är spärrad." if ended else f"{organisation} hade ingen giltig länk.")
