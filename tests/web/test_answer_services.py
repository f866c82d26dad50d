"""The nämnd's link and its two channels as plain service calls (no browser, no HTTP).

The request mail carries the link; only its hash is stored; a new link replaces the old and
a revoked one ends. An answer written on the page and the same answer typed into the Word
and Excel files are stored identically (canonical JSON) and give the same annex entry.
"""

from __future__ import annotations

import shutil

from sqlalchemy import select
from tests.web.answer_support import canonical, link_token, rich_answers, silent

from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.richtext import sanitize, to_blocks
from remiss.documents.word.fill import fill_response_docx
from remiss.domain.outcomes import FileKind, Outcome
from remiss.services import answering, links
from remiss.services.annex.gather import gather_annex
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.link_schema import AnswerLinkRow
from remiss.store.schema import AuditRow, ReceivedFileRow

ROUND = "sh-2016"


def test_the_request_mail_carries_a_link_stored_only_as_its_hash(workspace):
    work = open_work(workspace, ROUND)
    org = silent(work)[0]
    token = link_token(workspace, ROUND, org)
    assert len(token) >= 22  # ≥ 128 bits in url-safe base64
    with work.db.session() as session:
        found = links.resolve(session, token)
        assert found.state is links.LinkState.LIVE and found.organisation_id == org
        stored = list(session.scalars(select(AnswerLinkRow.token_hash)))
        audit = " ".join(str(r.detail) for r in session.scalars(select(AuditRow)))
    assert links.token_hash(token) in stored and token not in stored
    assert token not in audit
    db_bytes = (workspace.home / "remiss.db").read_bytes() if (workspace.home / "remiss.db").exists() else b""
    assert token.encode() not in db_bytes


def test_a_new_link_replaces_the_old_and_a_revoked_link_ends(workspace):
    work = open_work(workspace, ROUND)
    org = silent(work)[0]
    old = link_token(workspace, ROUND, org)
    url = links.reissue(work, org)
    new = url.rsplit("/", 1)[1]
    with work.db.session() as session:
        assert links.resolve(session, old).state is links.LinkState.REPLACED
        assert links.resolve(session, new).state is links.LinkState.LIVE
    assert links.revoke(work, org) == 1
    with work.db.session() as session:
        assert links.resolve(session, new).state is links.LinkState.REVOKED
        assert links.resolve(session, "nonsense").state is links.LinkState.UNKNOWN
        assert not links.has_live_link(session, ROUND, org)


def test_the_sanitiser_keeps_the_allow_list_only():
    dirty = (
        '<p onclick="x()">Hej <b>fet</b> <a href="javascript:alert(1)">a</a> <a href="https://x.se">b</a>'
        '<img src=x onerror=alert(1)><script>alert(1)</script><span style="color:red">c</span></p>'
        '<table><tr><td>1</td><td>2</td></tr></table><iframe src="https://x.se"></iframe>'
    )
    clean = sanitize(dirty)
    for bad in ("onclick", "javascript", "<img", "<script", "<iframe", "style="):
        assert bad not in clean
    assert '<a href="https://x.se"' in clean and "<b>fet</b>" in clean and "<td>1</td>" in clean
    assert [s.text for s in to_blocks("<table><tr><td>1</td><td>2</td></tr></table>")[0].spans] == ["1 – 2"]


def test_page_and_file_store_identical_answers_and_annex_entries(workspace, tmp_path):
    other_home = tmp_path / "file-channel"
    shutil.copytree(workspace.home, other_home)
    page_work = open_work(workspace, ROUND)
    org = silent(page_work)[0]
    html, markup = rich_answers(page_work, org)
    first = page_work.round.assignments(org)[0]
    cells = {
        answering.cell_name(first.key, "tidshorisont"): "Inför budget 2017",
        answering.cell_name(first.key, "motivering"): "Ryms i ramen",
        answering.cell_name(first.key, "kostnad_tkr"): "1 250",
    }

    # The page: a draft typed in two goes, then "Skicka in".
    answering.save_draft(page_work, org, dict(list(html.items())[:1]))
    answering.save_draft(page_work, org, {**dict(list(html.items())[1:]), **cells, "cell:x:y": "ignored"})
    results = answering.submit(page_work, org)
    assert [r.outcome for r in results] == [Outcome.ACCEPTED, Outcome.ACCEPTED]
    with page_work.db.session() as session:
        channels = set(
            session.scalars(select(ReceivedFileRow.channel).where(ReceivedFileRow.organisation_id == org))
        )
    assert channels == {"webb"}

    # The file: the same answers typed into the issued templates, collected from a folder.
    file_ws = Workspace.from_env(other_home)
    file_work = open_work(file_ws, ROUND)
    docx = fill_response_docx(answering.template_path(file_work, org, FileKind.DOCX)[1], markup)
    xlsx = fill_response_xlsx(
        answering.template_path(file_work, org, FileKind.XLSX)[1],
        {
            (first.key, "tidshorisont"): "Inför budget 2017",
            (first.key, "motivering"): "Ryms i ramen",
            (first.key, "kostnad_tkr"): 1250,
        },
    )
    (tmp_path / "in").mkdir()
    paths = [tmp_path / "in" / "svar.docx", tmp_path / "in" / "svar.xlsx"]
    paths[0].write_bytes(docx)
    paths[1].write_bytes(xlsx)
    assert [r.outcome for r in collect_paths(file_work, paths)] == [Outcome.ACCEPTED, Outcome.ACCEPTED]

    page_json, file_json = canonical(page_work, org), canonical(file_work, org)
    assert page_json == file_json
    assert "stadens sida" in page_json and "start.stockholm" in page_json and "1250" in page_json
    with page_work.db.session() as a, file_work.db.session() as b:
        day = page_work.today
        name = page_work.round.organisation(org).forvaltning
        entry = [
            e for g in gather_annex(a, page_work.round, day, None).groups for e in g.entries if e.name == name
        ]
        same = [
            e for g in gather_annex(b, file_work.round, day, None).groups for e in g.entries if e.name == name
        ]
    assert entry == same and not entry[0].missing


def test_an_upload_through_one_link_cannot_answer_for_another(workspace, tmp_path):
    work = open_work(workspace, ROUND)
    mine, theirs = silent(work, 2)
    _, markup = rich_answers(work, theirs)
    their_docx = fill_response_docx(answering.template_path(work, theirs, FileKind.DOCX)[1], markup)
    result = answering.upload(work, mine, [("svar.docx", their_docx)])[0]
    assert result.outcome is Outcome.REJECTED and "annan nämnd" in result.reason
    with work.db.session() as session:
        assert (
            session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.organisation_id == theirs)) is None
        )


def test_resending_the_templates_sends_a_new_link_and_the_old_one_is_replaced(workspace):
    from remiss.services.lifecycle.resend import resend

    work = open_work(workspace, ROUND)
    org = silent(work)[0]
    old = link_token(workspace, ROUND, org)
    resend(work, org, request_id="igen")
    new = link_token(workspace, ROUND, org)
    assert new != old
    with work.db.session() as session:
        assert links.resolve(session, old).state is links.LinkState.REPLACED
        assert links.resolve(session, new).state is links.LinkState.LIVE


def test_a_file_after_a_web_answer_is_simply_the_next_version(workspace):
    work = open_work(workspace, ROUND)
    org = silent(work)[0]
    html, markup = rich_answers(work, org)
    answering.save_draft(work, org, html)
    assert [r.version for r in answering.submit(work, org)] == [1]
    markup = {tag: [*paragraphs, "Tillägg i filen."] for tag, paragraphs in markup.items()}
    docx = fill_response_docx(answering.template_path(work, org, FileKind.DOCX)[1], markup)
    result = answering.upload(work, org, [("svar.docx", docx)])[0]
    assert result.outcome is Outcome.SUPERSEDED and result.version == 2
    answering.save_draft(work, org, {next(iter(html)): "<p>Till sist från sidan.</p>"})
    assert [r.version for r in answering.submit(work, org)] == [3]
    with work.db.session() as session:
        rows = session.scalars(
            select(ReceivedFileRow)
            .where(ReceivedFileRow.organisation_id == org)
            .order_by(ReceivedFileRow.version)
        )
        assert [(r.version, r.channel, r.is_current) for r in rows] == [
            (1, "webb", False),
            (2, None, False),
            (3, "webb", True),
        ]
