"""The nämnd's page over HTTP (TestClient): reading, the draft without JavaScript, "Skicka in",
uploading, the link's limits (CSRF, rate, replaced/revoked/unknown) and that one nämnd's link
reaches nothing of another's (every route walked with the wrong token)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.answer_support import link_token, rich_answers, silent

from remiss.documents.word.fill import fill_response_docx
from remiss.domain.outcomes import FileKind
from remiss.services import answering, links, review
from remiss.services.work import open_work
from remiss.store.schema import ReceivedFileRow

ROUND = "sh-2016"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture
def two(workspace):
    work = open_work(workspace, ROUND)
    mine, theirs = silent(work, 2)
    return work, (mine, link_token(workspace, ROUND, mine)), (theirs, link_token(workspace, ROUND, theirs))


def _routes() -> list[tuple[str, str]]:
    from remiss.web.app import public_routers

    return [
        (method, route.path)
        for router in public_routers()
        for route in router.routes
        if route.path.startswith("/svar/")
        for method in sorted(route.methods or ())
    ]


def test_the_page_shows_what_to_answer_deadline_status_and_templates(app, two):
    work, (org, token), _ = two
    client = TestClient(app)
    page = client.get(f"/svar/{token}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    name = work.round.organisation(org).namnd
    first = work.round.assignments(org)[0].measure
    assert name in page.text and first.title in page.text and "Sista svarsdag" in page.text
    assert "Saknas" in page.text and "Inget har kommit in" in page.text
    word = client.get(f"/svar/{token}/mall/word")
    assert word.status_code == 200 and word.content[:2] == b"PK"
    assert f"remissvar-{ROUND}-{org}.docx" in word.headers["content-disposition"]
    assert client.get(f"/svar/{token}/mall/excel").content[:2] == b"PK"


def test_a_draft_without_javascript_then_skicka_in_shows_the_receipt(app, two):
    work, (org, token), _ = two
    client = TestClient(app)
    csrf = _csrf(client.get(f"/svar/{token}").text)
    tag = list(rich_answers(work, org)[0])[1]  # the first åtgärd's first Word field
    text = "Vi tillstyrker.\n- tidig **dialog**\n- se [sidan](https://start.stockholm)"
    saved = client.post(f"/svar/{token}/utkast", data={"csrf": csrf, "format": "text", tag: text})
    assert saved.status_code == 200 and "Utkastet sparades" in saved.text
    again = client.get(f"/svar/{token}")  # a closed tab: the draft is still there
    assert "tidig **dialog**" in again.text and "<strong>dialog</strong>" in again.text
    sent = client.post(f"/svar/{token}/skicka", data={"csrf": csrf, "format": "text", tag: text})
    assert sent.status_code == 200, sent.text
    assert (
        "Svaret är inskickat" in sent.text
        and "Kvittens" in sent.text
        and "Det här lästes ur filen" in sent.text
    )
    assert "Webbsidan" in sent.text and "nämndens svar från webbsidan" in sent.text
    with work.db.session() as session:
        rows = list(session.scalars(select(ReceivedFileRow).where(ReceivedFileRow.organisation_id == org)))
    assert [(r.kind, r.channel, r.is_current) for r in rows] == [("docx", "webb", True)]


def test_an_upload_shows_its_receipt_at_once(app, two):
    work, (org, token), _ = two
    client = TestClient(app)
    csrf = _csrf(client.get(f"/svar/{token}").text)
    _, markup = rich_answers(work, org)
    docx = fill_response_docx(answering.template_path(work, org, FileKind.DOCX)[1], markup)
    answer = client.post(
        f"/svar/{token}/ladda-upp",
        data={"csrf": csrf},
        files=[("filer", ("vårt svar.docx", docx, "application/octet-stream"))],
    )
    assert answer.status_code == 200
    assert "Mottagen" in answer.text and "Svar som fortfarande är tomma" in answer.text
    assert "Fil" in answer.text and "Gäller" in answer.text


def test_forms_need_the_links_csrf_token(app, two):
    _, (_org, token), (_, other) = two
    client = TestClient(app)
    other_csrf = _csrf(client.get(f"/svar/{other}").text)
    for path in ("utkast", "skicka", "ladda-upp"):
        assert client.post(f"/svar/{token}/{path}", data={}).status_code == 403
        assert client.post(f"/svar/{token}/{path}", data={"csrf": other_csrf}).status_code == 403


def test_every_route_with_the_wrong_token_reaches_nothing(app, two):
    work, (org, token), (theirs, _their_token) = two
    client = TestClient(app)
    routes = _routes()
    assert {p for _, p in routes} >= {"/svar/{token}", "/svar/{token}/utkast", "/svar/{token}/skicka"}
    their_name = work.round.organisation(theirs).namnd
    my_csrf = _csrf(client.get(f"/svar/{token}").text)
    their_tag = next(iter(answering.input_names(work, theirs)[0] - answering.input_names(work, org)[0]), None)
    bad = [token[:-1] + ("A" if token[-1] != "A" else "B"), "x", token + "x", "../" + token]
    for method, path in routes:
        for wrong in bad:
            url = path.replace("{token}", wrong).replace("{kind}", "word")
            answer = client.request(method, url, data={"csrf": my_csrf})
            assert answer.status_code in (404, 405), (method, url, answer.status_code)
            assert their_name not in answer.text
        # With my token, nothing of theirs: their names, their inputs, their templates.
        url = path.replace("{token}", token).replace("{kind}", "word")
        data = {"csrf": my_csrf, "format": "text"} | ({their_tag: "inte vårt"} if their_tag else {})
        answer = client.request(method, url, data=data)
        assert their_name.encode() not in answer.content
    with work.db.session() as session:
        assert (
            session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.organisation_id == theirs)) is None
        )
    assert their_tag is None or their_tag not in answering.answer_page(work, org).draft


def test_a_replaced_or_revoked_link_says_so_in_swedish(app, two):
    work, (org, token), _ = two
    client = TestClient(app)
    new = links.reissue(work, org).rsplit("/", 1)[1]
    old = client.get(f"/svar/{token}")
    assert old.status_code == 410 and "ersatts av en ny" in old.text and 'lang="sv"' in old.text
    assert client.get(f"/svar/{new}").status_code == 200
    links.revoke(work, org)
    ended = client.get(f"/svar/{new}")
    assert ended.status_code == 410 and "spärrats" in ended.text
    assert "känns inte igen" in client.get("/svar/okand-lank").text


def test_requests_per_link_are_limited(app, two):
    _, (_org, token), _ = two
    client = TestClient(app)
    from remiss.web.routes.answer import Limits

    limits = Limits()
    limits.RULES = {**Limits.RULES, "read": (3, 60.0)}
    app.state.answer_limits = limits
    assert [client.get(f"/svar/{token}").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_late_and_a_completion_request_show_on_the_page(app, two, workspace):
    from remiss.web import create_app

    work, (org, token), _ = two
    with work.db.session() as session:
        review.request_completion(session, replace(work, by="anna"), org, "Beskriv kostnaden för 1.1.")
    late = create_app(workspace, clock=lambda: dt.date(2016, 6, 1))
    renewed = link_token(workspace, ROUND, org)  # the request for completion carries a fresh link
    page = TestClient(late).get(f"/svar/{renewed}")
    assert "Sista svarsdagen har passerat" in page.text and "tas fortfarande emot" in page.text
    assert "komplettera" in page.text and "Beskriv kostnaden för 1.1." in page.text
    old = TestClient(late).get(f"/svar/{token}")
    assert old.status_code == 410 and "det senaste brevet" in old.text


def test_the_token_stays_out_of_the_access_log():
    from remiss.web.routes.answer import RedactTokens

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1", "GET", "/svar/hemligtoken123/mall/word", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    assert "hemligtoken123" not in record.getMessage() and "/svar/…/mall/word" in record.getMessage()
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.access").filters)


def test_a_closed_round_is_read_only(app, two):
    from remiss.services.lifecycle.state import close_round

    work, (org, token), _ = two
    client = TestClient(app)
    csrf = _csrf(client.get(f"/svar/{token}").text)
    close_round(work)
    page = client.get(f"/svar/{token}")
    assert page.status_code == 200 and "stängd" in page.text
    assert "Skicka in</button>" not in page.text and "Ladda upp</button>" not in page.text
    tag = list(rich_answers(work, org)[0])[1]
    refused = client.post(f"/svar/{token}/skicka", data={"csrf": csrf, "format": "text", tag: "sent svar"})
    assert refused.status_code == 409 and "stängd" in refused.text
    with work.db.session() as session:
        assert session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.organisation_id == org)) is None


def test_the_desk_makes_a_new_link_or_blocks_it(coordinator, workspace):
    from tests.web.conftest import csrf_of

    work = open_work(workspace, ROUND)
    org = silent(work)[0]
    old = link_token(workspace, ROUND, org)
    desk_page = coordinator.get(f"/omgangar/{ROUND}/org/{org}")
    assert "Skapa ny länk" in desk_page.text and "Spärra svarslänken" in desk_page.text
    csrf = csrf_of(coordinator)
    made = coordinator.post(f"/omgangar/{ROUND}/org/{org}/svarslank/ny", data={"csrf": csrf})
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    new = re.search(r"/svar/([A-Za-z0-9_-]{32,})", made.text).group(1)
    with work.db.session() as session:
        assert links.resolve(session, old).state is links.LinkState.REPLACED
        assert links.resolve(session, new).state is links.LinkState.LIVE
    blocked = coordinator.post(f"/omgangar/{ROUND}/org/{org}/svarslank/sparra", data={"csrf": csrf})
    assert blocked.status_code == 200 and "Länken är spärrad" in blocked.text
    assert TestClient(coordinator.app).get(f"/svar/{new}").status_code == 410


def test_the_forms_token_outlives_a_restart_of_the_server(workspace, two):
    from remiss.web import create_app

    _, (_org, token), _ = two
    first = TestClient(create_app(workspace, clock=lambda: dt.date(2016, 4, 27)))
    csrf = _csrf(first.get(f"/svar/{token}").text)
    restarted = TestClient(create_app(workspace, clock=lambda: dt.date(2016, 4, 27)))
    saved = restarted.post(f"/svar/{token}/utkast", data={"csrf": csrf}, headers={"x-remiss-draft": "1"})
    assert saved.status_code == 200 and "saved" in saved.json()
