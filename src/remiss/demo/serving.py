"""`remiss demo --serve`: what a new user needs to see both pages in a minute.

A fresh answer link for one nämnd that has not answered (the demo's mails hold links too, but
this one is printed), and a coordinator account with a random password for the desk.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from remiss.domain.outcomes import AnswerStatus
from remiss.services import accounts, links
from remiss.services.status import OrganisationStatus
from remiss.services.work import open_work
from remiss.settings import Workspace

DEMO_USER = "demo"


@dataclass(frozen=True)
class DemoPages:
    organisation: str
    link: str
    user: str
    password: str


def demo_pages(home: Path, round_id: str, status: list[OrganisationStatus], base_url: str) -> DemoPages:
    workspace = Workspace.from_env(home)
    work = open_work(workspace, round_id, by="demo")
    waiting = [s.organisation for s in status if s.status is not AnswerStatus.COMPLETE]
    org = (waiting or work.round.recipient_ids)[0]
    token = links.reissue(work, org).rsplit("/", 1)[1]
    password = secrets.token_urlsafe(12)
    with work.db.session() as session:
        accounts.add_user(session, DEMO_USER, password, accounts.Role.COORDINATOR)
    return DemoPages(org, links.link_url(token, base_url), DEMO_USER, password)
