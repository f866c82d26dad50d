"""The desk's routes and rules through FastAPI's TestClient, on a real store and real files."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.web.conftest import csrf_of, login

from remiss.services.work import open_work
from remiss.store.desk_schema import ReviewRow
from remiss.store.schema import AuditRow, OutboxRow, ReceivedFileRow

ROUND = "sh-2016"


def test_start_page_is_a_login_form_with_security_headers(app):
    client = TestClient(app)
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text and 'name="password"' in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert client.get(f"/omgangar/{ROUND}", follow_redirects=False).status_code == 303
    assert client.get("/api/rounds").status_code == 401


def _session_cookie(answer) -> str:
    cookies = answer.history[0].headers.get_list("set-cookie")
    return next(h for h in cookies if h.startswith("remiss_session="))


def test_login_sets_an_httponly_samesite_cookie_and_shows_the_rounds(app):
    client = TestClient(app)
    answer = login(client)
    cookie = next(
        h for h in answer.history[0].headers.get_list("set-cookie") if h.startswith("remiss_session=")
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert ROUND in answer.text and "Remissomgångar" in answer.text


def test_secure_cookie_behind_tls(workspace):
    from remiss.web import create_app

    client = TestClient(
        create_app(workspace, base_url="https://remiss.example.se"), base_url="https://testserver"
    )
    answer = login(client)
    cookie = next(
        h for h in answer.history[0].headers.get_list("set-cookie") if h.startswith("remiss_session=")
    )
    assert "Secure" in cookie


def test_wrong_passwords_are_rate_limited(app):
    client = TestClient(app)
    codes = [login(client, password="fel-losenord-x").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    assert login(client).status_code == 429  # even the right password waits
    assert "För många misslyckade inloggningar" in login(client).text


def test_board_shows_every_recipient_and_filters(coordinator):
    ctx = open_work(coordinator.app.state.desk.workspace, ROUND).round
    page = coordinator.get(f"/omgangar/{ROUND}")
    assert page.status_code == 200
    assert page.text.count('<tr id="org-') == len(ctx.recipient_ids)
    complete = coordinator.get(f"/omgangar/{ROUND}/tavla", params={"status": "complete"})
    assert 0 < complete.text.count('<tr id="org-') < len(ctx.recipient_ids)
    assert "Saknas" not in re.sub(r"<option.*?</option>", "", complete.text.split("<tbody>")[1])
    stadsdel = coordinator.get(f"/omgangar/{ROUND}/tavla", params={"grupp": "stadsdel", "sortera": "namn"})
    assert "Fackförvaltning" not in stadsdel.text.split("<tbody>")[1]
    assert "Stadsdelsförvaltning" in stadsdel.text.split("<tbody>")[1]
    assert "Facknämnder" not in page.text and "Fackförvaltningar</option>" in page.text  # as the CLI


def test_board_late_means_a_file_came_after_the_deadline_as_the_cli_says(coordinator):
    """'N försenade' and the 'Sen' column count files that came late; a missing one is 'saknas'."""
    rows = coordinator.get(f"/api/rounds/{ROUND}/status").json()
    missing = [r for r in rows if r["status"] == "missing"]
    assert missing and not any(r["late"] for r in missing)  # the round's deadline (2016) has passed
    late = [r for r in rows if r["late"]]
    assert all(r["received"] for r in late)
    page = coordinator.get(f"/omgangar/{ROUND}").text
    assert f'<span class="tal">{len(late)}</span> försenade' in page
    body = page.split("<tbody>")[1]
    assert body.count('<span class="sen">Ja</span>') == len(late)
    row = body.split(f'<tr id="org-{missing[0]["organisation"]}"')[1].split("</tr>")[0]
    assert "<td>–</td>" in row and '"sen"' not in row


def test_organisation_page_renders_answers_as_sanitised_html(coordinator):
    db = coordinator.app.state.desk.db
    with db.session() as session:
        org = session.scalar(select(ReceivedFileRow.organisation_id).where(ReceivedFileRow.kind == "docx"))
    page = coordinator.get(f"/omgangar/{ROUND}/org/{org}")
    assert page.status_code == 200
    assert '<div class="svar"><p>' in page.text
    assert "<ul><li>" in page.text or "<table>" in page.text


def test_completion_request_is_mailed_and_shown_on_the_board(coordinator):
    db = coordinator.app.state.desk.db
    with db.session() as session:
        org = session.scalar(select(ReceivedFileRow.organisation_id).where(ReceivedFileRow.kind == "docx"))
    token = csrf_of(coordinator)
    answer = coordinator.post(
        f"/omgangar/{ROUND}/org/{org}/komplettera",
        data={"csrf": token, "message": "Åtgärd 4.1.1 saknar kostnad.", "new_deadline": "2016-05-20"},
    )
    assert answer.status_code == 200 and "Begäran om komplettering är skriven" in answer.text
    assert "Har nämnden en giltig svarslänk får den en ny i brevet" in answer.text  # the form says so
    with db.session() as session:
        mail = session.scalar(select(OutboxRow).where(OutboxRow.kind == "completion"))
        assert mail is not None and mail.organisation_id == org
        raw = Path(mail.eml_path).read_bytes()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert "Åtgärd 4.1.1 saknar kostnad." in message.get_content()
        assert session.scalar(select(func.count()).select_from(ReviewRow)) == 1
    row = coordinator.get(f"/omgangar/{ROUND}").text.split(f'id="org-{org}"')[1].split("</tr>")[0]
    assert "Behöver kompletteras" in row and "Ofullständig" in row and "20 maj 2016" in row
    coordinator.post(f"/omgangar/{ROUND}/org/{org}/godkann", data={"csrf": token})
    row = coordinator.get(f"/omgangar/{ROUND}").text.split(f'id="org-{org}"')[1].split("</tr>")[0]
    assert "Godkänd" in row


def test_a_form_without_the_csrf_token_is_refused(coordinator):
    answer = coordinator.post(f"/omgangar/{ROUND}/org/bromma/godkann", data={})
    assert answer.status_code == 403 and "Ladda om sidan" in answer.text
    answer = coordinator.post(f"/omgangar/{ROUND}/org/bromma/godkann", data={"csrf": "gissat"})
    assert answer.status_code == 403


def _mutating_paths(app) -> list[str]:
    from remiss.web.app import routers

    found = []
    for route in [r for router in routers() for r in router.routes]:
        if "POST" in getattr(route, "methods", set()) and route.path not in ("/logga-in", "/logga-ut"):
            path = route.path.replace("{round_id}", ROUND).replace("{org_id}", "bromma")
            found.append(re.sub(r"\{[a-z_]+\}", "1", path))
    return found


def test_the_reader_role_cannot_change_anything(reader):
    paths = _mutating_paths(reader.app)
    assert len(paths) >= 4
    token = csrf_of(reader)
    db = reader.app.state.desk.db
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditRow))
    for path in paths:
        answer = reader.post(path, data={"csrf": token, "message": "x", "until": "2016-06-01"})
        assert answer.status_code == 403, path
        assert "rollen läsare" in answer.text, path
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditRow)) == before


def test_downloads_are_by_id_only(coordinator):
    db = coordinator.app.state.desk.db
    with db.session() as session:
        row = session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.kind == "docx"))
    answer = coordinator.get(f"/filer/{row.id}")
    assert answer.status_code == 200 and answer.content[:2] == b"PK"
    assert coordinator.get("/filer/99999").status_code == 404
    assert coordinator.get("/filer/..%2F..%2Fremiss.db").status_code in (404, 422)


def test_upload_collects_each_file_and_reports_its_outcome(coordinator, workspace):
    files = sorted((workspace.home / "inkommet").rglob("*.docx"))
    pending = [p for p in files if "Svar" in p.name][-1]  # the last nämnd's answer was never collected
    token = csrf_of(coordinator)
    answer = coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": token},
        files=[
            ("filer", (pending.name, pending.read_bytes())),
            ("filer", ("anteckning.docx", b"inte ett Word-dokument")),
        ],
        headers={"X-Remiss-Upload": "1"},
    )
    assert answer.status_code == 200
    rows = answer.text.split("<tbody>")[1].split("</tr>")
    assert "Mottagen" in rows[0] or "Ny version" in rows[0]
    assert "Avvisad" in rows[1]
    again = coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": token},
        files=[("filer", (pending.name, pending.read_bytes()))],
        headers={"X-Remiss-Upload": "1"},
    )
    assert '<span class="neutral">Dubblett, redan mottagen</span>' in again.text


def test_upload_of_a_file_refused_before_says_so_in_red_with_stockholm_time(coordinator, workspace):
    """The same bytes refused earlier: red, 'redan avvisad', the earlier reason, Stockholm time."""
    from remiss.domain.calendar import STOCKHOLM

    token = csrf_of(coordinator)

    def send():
        return coordinator.post(
            f"/omgangar/{ROUND}/ladda-upp",
            data={"csrf": token},
            files=[("filer", ("skrap.docx", b"inte heller ett Word-dokument"))],
            headers={"X-Remiss-Upload": "1"},
        )

    first = send()
    assert '<span class="fel">Avvisad</span>' in first.text
    again = send()
    assert '<span class="fel">Dubblett, redan avvisad</span>' in again.text
    assert "Mottagen" not in again.text and "redan mottagen" not in again.text
    with open_work(workspace, ROUND).db.session() as session:
        row = session.scalar(select(ReceivedFileRow).where(ReceivedFileRow.original_name == "skrap.docx"))
        local = row.received_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
        reason = row.reason
    assert f"som avvisades {local}: " in again.text
    assert reason.split(".")[0].replace("'", "&#39;") in again.text


def test_upload_over_the_cap_is_refused_while_streaming(workspace, monkeypatch):
    monkeypatch.setenv("REMISS_MAX_UPLOAD_MB", "1")
    from remiss.web import create_app

    client = TestClient(create_app(workspace))
    login(client)
    token = csrf_of(client)
    answer = client.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": token},
        files=[("filer", ("stor.docx", b"x" * (2 * 1024 * 1024)))],
    )
    assert answer.status_code == 413
    assert (
        not any((workspace.home / "uppladdat").rglob("stor.docx"))
        if (workspace.home / "uppladdat").exists()
        else True
    )


def test_api_status_equals_the_cli_json(coordinator, workspace):
    import json

    from tests.helpers import run_cli

    answer = coordinator.get(f"/api/rounds/{ROUND}/status")
    assert answer.status_code == 200
    cli = json.loads(run_cli("status", ROUND, "--json", "--today", "2016-04-27"))
    assert answer.json() == cli
    listed = coordinator.get("/api/rounds").json()
    assert listed[0]["id"] == ROUND and sum(listed[0]["counts"].values()) == len(cli)
    schema = coordinator.get("/api/openapi.json").json()
    assert "/api/rounds/{round_id}/status" in schema["paths"]


def test_every_page_answers_for_a_reader(reader):
    for path in (
        "/",
        f"/omgangar/{ROUND}",
        f"/omgangar/{ROUND}/org/bromma",
        f"/omgangar/{ROUND}/ladda-upp",
        f"/omgangar/{ROUND}/karantan",
        f"/omgangar/{ROUND}/paminnelser",
        f"/omgangar/{ROUND}/bilaga",
        f"/omgangar/{ROUND}/logg",
        f"/omgangar/{ROUND}/forhandsgranska?org=bromma",
        "/omgangar/ny",
    ):
        page = reader.get(path)
        assert page.status_code == 200, path
        assert 'lang="sv"' in page.text and "<h1>" in page.text, path
        assert 'name="csrf"' not in page.text.split("</header>")[1], path  # no changing forms for a reader


def test_an_unknown_round_is_a_swedish_404(coordinator):
    page = coordinator.get("/omgangar/finns-inte")
    assert page.status_code == 404 and "Omgången &#39;finns-inte&#39; finns inte" in page.text


def test_a_round_file_with_a_mistake_is_reported_by_line_and_field(coordinator):
    from remiss import resources

    text = (
        resources.bundled_round()
        .read_text(encoding="utf-8")
        .replace("deadline: 2016-04-29", "deadline: snart")
    )
    token = csrf_of(coordinator)
    answer = coordinator.post(
        "/omgangar/ny", data={"csrf": token}, files={"definition": ("fel-omgang.yaml", text.encode())}
    )
    assert answer.status_code == 400
    assert "fel-omgang.yaml rad" in answer.text and "deadline" in answer.text


def test_reminders_are_previewed_then_written(workspace):
    import datetime as dt

    from remiss.web import create_app

    client = TestClient(create_app(workspace, clock=lambda: dt.date(2016, 5, 2)))
    login(client)
    page = client.get(f"/omgangar/{ROUND}/paminnelser")
    previews = page.text.count('<pre class="brev">')
    assert previews > 0 and "Påminnelse:" in page.text
    answer = client.post(f"/omgangar/{ROUND}/paminnelser", data={"csrf": csrf_of(client)})
    assert f"{previews} påminnelser skrivna" in answer.text
    assert "Inga påminnelser är aktuella i dag." in client.get(f"/omgangar/{ROUND}/paminnelser").text


def test_the_annex_is_built_in_the_background_and_downloaded_by_job_id(coordinator):
    _build_annex(coordinator)


def _build_annex(coordinator) -> tuple[list[tuple[str, str]], bytes]:
    """An annex with its workbook built from the desk: (download links with their kind, the .docx)."""
    import io
    import time
    import zipfile

    answer = coordinator.post(
        f"/omgangar/{ROUND}/bilaga", data={"csrf": csrf_of(coordinator), "xlsx": "true"}
    )
    assert answer.status_code == 200
    for _ in range(120):
        jobs = coordinator.get(f"/omgangar/{ROUND}/bilaga/jobb").text
        if "hx-trigger" not in jobs:
            break
        time.sleep(0.5)
    assert "klar" in jobs, jobs
    links = re.findall(r'href="(/omgangar/[^"]+/(docx|xlsx))"', jobs)
    assert {kind for _, kind in links} == {"docx", "xlsx"}
    docx = coordinator.get(next(link for link, kind in links if kind == "docx"))
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(docx.content)).namelist()
    assert coordinator.get(f"/omgangar/{ROUND}/bilaga/okant-jobb/docx").status_code == 404
    return links, docx.content


def test_annexes_built_before_a_restart_are_listed_and_downloaded_after_it(coordinator, workspace):
    from remiss.web import create_app

    links, built = _build_annex(coordinator)
    restarted = TestClient(create_app(workspace))  # a new process's desk: no job in its memory
    login(restarted)
    page = restarted.get(f"/omgangar/{ROUND}/bilaga").text
    assert "Utkast, arbetsbok" in page and "samordnare" in page and "klar" in page, page
    assert set(re.findall(r'href="(/omgangar/[^"]+/(?:docx|xlsx))"', page)) == {link for link, _ in links}
    docx = restarted.get(next(link for link, kind in links if kind == "docx"))
    assert docx.status_code == 200 and docx.content == built
    job_id = links[0][0].split("/")[-2]
    for forged in (f"/omgangar/..%2F{ROUND}/bilaga/{job_id}/docx", f"/omgangar/x/bilaga/{job_id}/docx"):
        assert restarted.get(forged).status_code == 404, forged


def test_concurrent_uploads_store_every_file_once(app, workspace):
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from tests.mail.support import free_port
    from tests.web.browser import served

    from remiss.store.schema import ReceivedFileRow

    pending = sorted(p for p in (workspace.home / "inkommet").rglob("*.docx"))
    db = app.state.desk.db
    with db.session() as session:
        known = set(session.scalars(select(ReceivedFileRow.original_name)))
    fresh = [p for p in pending if p.name not in known][:9]
    shared, own = fresh[0], fresh[1:]

    def one(path: Path) -> str:
        client = httpx.Client(base_url=base, timeout=120)
        login(client)
        token = csrf_of(client)
        files = [("filer", (p.name, p.read_bytes())) for p in (shared, path)]
        answer = client.post(
            f"/omgangar/{ROUND}/ladda-upp",
            data={"csrf": token},
            files=files,
            headers={"X-Remiss-Upload": "1"},
        )
        assert answer.status_code == 200, answer.text
        return answer.text

    with served(app, free_port()) as base, ThreadPoolExecutor(len(own)) as pool:
        answers = list(pool.map(one, own))
    assert sum(a.count(">Dubblett") for a in answers) == len(own) - 1  # the shared file, once
    with db.session() as session:
        names = [p.name for p in fresh]
        rows = session.scalars(
            select(ReceivedFileRow.original_name).where(ReceivedFileRow.original_name.in_(names))
        )
        assert sorted(rows) == sorted(names)


def test_the_round_lifecycle_from_the_desk(coordinator, workspace):
    token = csrf_of(coordinator)
    db = coordinator.app.state.desk.db
    with db.session() as session:
        row = session.scalar(
            select(ReceivedFileRow).where(
                ReceivedFileRow.kind == "docx", ReceivedFileRow.status == "accepted"
            )
        )
    org = row.organisation_id

    answer = coordinator.post(f"/omgangar/{ROUND}/sista-svarsdag", data={"csrf": token, "day": "2016-05-06"})
    assert "Sista svarsdagen är flyttad." in answer.text and "6 maj 2016" in answer.text

    answer = coordinator.post(f"/omgangar/{ROUND}/org/{org}/skicka-igen", data={"csrf": token})
    assert "Mallarna och förfrågan är skrivna igen och ligger i utkorgen" in answer.text  # no SMTP here

    answer = coordinator.post(f"/omgangar/{ROUND}/org/{org}/filer/{row.id}/aterkalla", data={"csrf": token})
    assert "Filen är återkallad" in answer.text
    with db.session() as session:
        assert session.get(ReceivedFileRow, row.id).status == "withdrawn"

    answer = coordinator.post(f"/omgangar/{ROUND}/stang", data={"csrf": token})
    assert "Omgången är stängd" in answer.text and "stängd" in answer.text
    pending = next(
        p for p in sorted((workspace.home / "inkommet").rglob("*.docx")) if p.name != row.original_name
    )
    refused = coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": token},
        files=[("filer", (pending.name, pending.read_bytes()))],
        headers={"X-Remiss-Upload": "1"},
    )
    assert refused.status_code >= 400 and "stängd" in refused.text
    answer = coordinator.post(f"/omgangar/{ROUND}/oppna", data={"csrf": token})
    assert "Omgången är öppen igen." in answer.text

    answer = coordinator.post(
        f"/omgangar/{ROUND}/mottagare/ta-bort", data={"csrf": token, "organisation": org}
    )
    assert "Mottagaren är borttagen" in answer.text and f'id="org-{org}"' not in answer.text

    log = coordinator.get(f"/omgangar/{ROUND}/logg").text
    assert log.count("<td>samordnare</td>") >= 5  # every step above, under the logged-in user


def test_organisation_page_says_a_missing_excel_file_has_not_come_in(coordinator, workspace):
    files = sorted((workspace.home / "inkommet").rglob("*.docx"))
    pending = [p for p in files if "Svar" in p.name][-1]  # only the Word answer: no Excel file yet
    answer = coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": csrf_of(coordinator)},
        files=[("filer", (pending.name, pending.read_bytes()))],
        headers={"X-Remiss-Upload": "1"},
    )
    org = re.search(rf'href="/omgangar/{ROUND}/org/([^"]+)"', answer.text).group(1)
    page = coordinator.get(f"/omgangar/{ROUND}/org/{org}").text
    assert "<li>Excelfilen har inte kommit in</li>" in page
    assert "Tomt: Excel" not in page and "Excelfilen saknas" not in page


def test_an_answer_that_needs_completion_is_reminded_like_an_incomplete_one(coordinator, workspace):
    """'Behöver kompletteras' counts as incomplete for `remiss chase` until a new file comes."""
    import datetime as dt

    from remiss.services import operations

    rows = coordinator.get(f"/api/rounds/{ROUND}/status").json()
    org = next(r["organisation"] for r in rows if r["status"] == "complete")
    answer = coordinator.post(
        f"/omgangar/{ROUND}/org/{org}/komplettera",
        data={"csrf": csrf_of(coordinator), "message": "Kostnaden saknas.", "new_deadline": "2016-05-20"},
    )
    assert answer.status_code == 200
    reminded = []
    day = dt.date(2016, 5, 2)
    while day <= dt.date(2016, 5, 27) and not reminded:
        reminded = [
            r for r in operations.chase(open_work(workspace, ROUND, today=day)) if r.organisation == org
        ]
        day += dt.timedelta(days=1)
    assert reminded and reminded[0].status == "incomplete"
    body = Path(reminded[0].eml).read_text(encoding="utf-8", errors="replace")
    assert "Kostnaden saknas." in email.message_from_string(body, policy=email.policy.default).get_content()


def test_the_annex_page_speaks_the_rounds_own_words(coordinator, workspace, tmp_path):
    """A round that asks 'frågor' offers the annex 'Per fråga', and names its job so."""
    from remiss import resources
    from remiss.services import operations

    text = resources.bundled_round().read_text(encoding="utf-8").replace("catalog: ../catalog.yaml\n", "")
    text = text.replace("id: sh-2016\n", "id: fragor-2016\nvocabulary:\n  item: [Fråga, frågor]\n", 1)
    (tmp_path / "omgang.yaml").write_text(text, encoding="utf-8")
    round_id, _ = operations.create_round(workspace, tmp_path / "omgang.yaml")
    page = coordinator.get(f"/omgangar/{round_id}/bilaga").text
    assert "Per fråga i stället för per förvaltning" in page and "åtgärd" not in page
    assert "Per åtgärd i stället" in coordinator.get(f"/omgangar/{ROUND}/bilaga").text
    built = coordinator.post(
        f"/omgangar/{round_id}/bilaga", data={"csrf": csrf_of(coordinator), "by_measure": "true"}
    )
    assert "Utkast per fråga" in built.text


def test_times_a_person_reads_are_stockholm_time(coordinator, workspace):
    """A file that came 23:30 UTC on 28 April came 01:30 on 29 April in Stockholm: status, CLI, board."""
    import datetime as dt

    from tests.helpers import run_cli

    from remiss.services.intake.collect import collect_paths
    from remiss.services.status import round_status

    files = sorted((workspace.home / "inkommet").rglob("*.docx"))
    pending = [p for p in files if "Svar" in p.name][-1]
    work = open_work(workspace, ROUND)
    [result] = collect_paths(work.at(dt.datetime(2016, 4, 28, 23, 30, tzinfo=dt.UTC)), [pending])
    with work.db.session() as session:
        row = next(
            s
            for s in round_status(session, work.round, dt.date(2016, 5, 2))
            if s.organisation == result.organisation
        )
    assert row.received.startswith("2016-04-29T01:30") and not row.late  # deadline 29 April, Stockholm
    line = next(
        line
        for line in run_cli("status", ROUND, "--today", "2016-05-02").splitlines()
        if row.name[:20] in line
    )
    assert " 29/4 " in line
    board = coordinator.get(f"/omgangar/{ROUND}").text.split(f'id="org-{result.organisation}"')[1]
    assert "2016-04-29 01:30" in board.split("</tr>")[0]
