"""Helpers for the nämnd page's tests: the link from a request mail, a silent nämnd, HTML answers."""

from __future__ import annotations

import email
import email.policy
import json
import re
from pathlib import Path

from sqlalchemy import select

from remiss.documents.word.wordml import field_tag
from remiss.services.work import Work
from remiss.settings import Workspace
from remiss.store.schema import AnswerRow, ReceivedFileRow, ValueRow

LINK = re.compile(r"/svar/([A-Za-z0-9_-]{32,})")


def link_token(workspace: Workspace, round_id: str, org_id: str) -> str:
    """The token in the newest mail with a link to `org_id`, a request or a request for completion
    (the only places it exists in clear)."""
    folder = workspace.round_outbox(round_id, org_id)
    for mail in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
        message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
        found = LINK.findall(message.get_body(preferencelist=("plain",)).get_content())
        if found:
            return found[-1]
    raise AssertionError(f"no mail to {org_id} carries a link")


def silent(work: Work, count: int = 1, *, order: str = "") -> list[str]:
    """Nämnder with åtgärder that have sent nothing yet (`order`: "fewest" or "most" åtgärder first)."""
    with work.db.session() as session:
        sent = set(session.scalars(select(ReceivedFileRow.organisation_id)))
    found = [o for o in work.round.recipient_ids if o not in sent and len(work.round.assignments(o)) >= 1]
    if order:
        found.sort(key=lambda o: len(work.round.assignments(o)), reverse=order == "most")
    return found[:count]


def rich_answers(work: Work, org_id: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The same answers twice: as the editor's HTML (page) and as fill markup (file)."""
    definition = work.round.definition
    first = work.round.assignments(org_id)[0]
    general = field_tag(_general_key(), definition.fields.general.id)
    main = field_tag(first.key, definition.fields.word[0].id)
    html = {
        general: "<p>Nämnden <strong>tillstyrker</strong> förslaget i <em>stort</em>.</p>",
        main: (
            "<p>Vi vill lyfta:</p><ul><li>tidig <b>dialog</b></li><li>se "
            '<a href="https://start.stockholm/remiss">stadens sida</a></li></ul>'
            "<ol><li>först</li><li>sedan</li></ol>"
        ),
    }
    markup = {
        general: ["Nämnden **tillstyrker** förslaget i *stort*."],
        main: [
            "Vi vill lyfta:",
            "- tidig **dialog**",
            "- se [stadens sida](https://start.stockholm/remiss)",
            "1. först",
            "1. sedan",
        ],
    }
    return html, markup


def _general_key() -> str:
    from remiss.documents.model import GENERAL

    return GENERAL


def canonical(work: Work, org_id: str) -> str:
    """The current stored answers and values of `org_id` as canonical JSON (no ids, no times)."""
    with work.db.session() as session:
        current = {
            f.id: f.kind
            for f in session.scalars(
                select(ReceivedFileRow).where(
                    ReceivedFileRow.round_id == work.round_id,
                    ReceivedFileRow.organisation_id == org_id,
                    ReceivedFileRow.is_current,
                )
            )
        }
        answers = [
            [a.measure_key, a.field_id, a.text, a.xml, a.empty, a.found_by]
            for a in session.scalars(select(AnswerRow).where(AnswerRow.file_id.in_(current)))
        ]
        values = [
            [v.measure_key, v.column_id, v.raw, v.value_text, v.value_number, v.problem]
            for v in session.scalars(select(ValueRow).where(ValueRow.file_id.in_(current)))
        ]
    return json.dumps({"answers": sorted(answers), "values": sorted(values, key=str)}, ensure_ascii=False)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
