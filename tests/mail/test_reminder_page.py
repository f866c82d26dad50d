"""A reminder points a nämnd that still has its answer page at it (the request's link, not a new
one: a fresh link would end the page an official may be writing in), and the desk's preview says
the same; a nämnd whose link the desk ended is only pointed at its files."""

from __future__ import annotations

import datetime as dt
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import select

from remiss.services import chase_preview, links, operations
from remiss.services.work import open_work
from remiss.store.link_schema import AnswerLinkRow

DEADLINE = dt.date(2016, 5, 13)
PAGE = (
    "Svara på nämndens egen sida, med länken i remissbrevet, eller använd de filer som skickades med "
    "remissen. Har länken eller filerna kommit bort kan vi skicka dem igen."
)
FILES = "Använd de filer som skickades med remissen. Har de kommit bort kan vi skicka dem igen."


def _body(eml: str) -> str:
    message = BytesParser(policy=policy.default).parsebytes(Path(eml).read_bytes())
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _live_links(workspace, round_id: str, org: str) -> list[int]:
    with open_work(workspace, round_id).db.session() as session:
        return list(
            session.scalars(
                select(AnswerLinkRow.id).where(
                    AnswerLinkRow.round_id == round_id,
                    AnswerLinkRow.organisation_id == org,
                    AnswerLinkRow.revoked_at.is_(None),
                )
            )
        )


def test_a_reminder_points_at_the_answer_page_while_the_link_lives(workspace, launched):
    round_id = launched("pamin-2016", DEADLINE, ["kultur", "idrott"])
    assert links.revoke(open_work(workspace, round_id), "idrott") == 1
    live_before = _live_links(workspace, round_id, "kultur")
    work = open_work(workspace, round_id, today=DEADLINE)
    with work.db.session() as session:
        previews = {p.organisation: p.body for p in chase_preview.due_today(session, work.round, DEADLINE)}
    written = {r.organisation: _body(r.eml) for r in operations.chase(work)}
    assert set(written) == {"kultur", "idrott"}
    assert PAGE in written["kultur"]
    assert FILES in written["idrott"] and "egen sida" not in written["idrott"]
    assert "/svar/" not in written["kultur"]  # the request's link is pointed at, never repeated
    assert previews == written  # the desk previews the message chase writes
    assert _live_links(workspace, round_id, "kultur") == live_before  # the page being written in stays open
