"""The nämnd's page in a real browser (Debian's chromium through Playwright), axe on every state.

One nämnd opens its link, answers in the browser with the keyboard only (a bulleted list, a
link, bold), leaves, comes back to its saved draft, sends it in and reads the receipt; another
uploads its filled files; the first is asked for a completion and answers it; the late, closed
and ended-link states are checked too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select
from tests.mail.support import free_port
from tests.web.answer_support import link_token, rich_answers, silent
from tests.web.browser import CHROMIUM, check_accessibility, need_browser, served
from tests.web.conftest import TODAY

from remiss.documents.excel.fill import fill_response_xlsx
from remiss.documents.word.fill import fill_response_docx
from remiss.domain.outcomes import FileKind
from remiss.services import answering, links, review
from remiss.services.work import open_work
from remiss.store.schema import AnswerRow, ReceivedFileRow

pytestmark = pytest.mark.slow
ROUND = "sh-2016"


def _tab_to(page, selector: str, *, back: bool = False, limit: int = 300) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


def _browser(p):
    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    page = browser.new_context(viewport={"width": 1300, "height": 900}, locale="sv-SE").new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    return browser, page, problems


def test_a_namnd_answers_in_the_browser_and_another_uploads(workspace, monkeypatch, tmp_path):
    need_browser()
    from playwright.sync_api import sync_playwright

    from remiss.web import create_app

    monkeypatch.setenv("REMISS_PARSE_WORKERS", "0")
    work = open_work(workspace, ROUND)
    writer, uploader = silent(work, 2, order="fewest")
    token, other = link_token(workspace, ROUND, writer), link_token(workspace, ROUND, uploader)
    general_id = "falt-" + next(iter(rich_answers(work, writer)[0])).replace(":", "-").replace(
        "/", "-"
    ).replace(".", "-")
    app = create_app(workspace, clock=lambda: TODAY)
    with served(app, free_port()) as base, sync_playwright() as p:
        browser, page, problems = _browser(p)

        # Open the link: what to answer, the deadline, the status
        page.goto(f"{base}/svar/{token}")
        page.get_by_role("heading", name="Det här ska nämnden svara på").wait_for()
        check_accessibility(page, "nämndens sida (ny)")

        # Keyboard only: write the general comment with bold, a bulleted list and a link
        editor = f"#{general_id}-rik"
        _tab_to(page, editor)
        page.keyboard.type("Nämnden ")
        page.keyboard.press("Control+b")
        page.keyboard.type("tillstyrker")
        page.keyboard.press("Control+b")
        page.keyboard.type(" förslaget.")
        page.keyboard.press("Enter")
        _tab_to(page, f"button[data-cmd=insertUnorderedList][aria-controls='{general_id}-rik']", back=True)
        page.keyboard.press("Enter")  # back in the editor, in a bulleted list
        page.keyboard.type("tidig dialog")
        page.keyboard.press("Enter")
        page.keyboard.type("kort ledtid")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # out of the list
        page.keyboard.type("Se stadens sida")
        for _ in range(len("stadens sida")):
            page.keyboard.press("Shift+ArrowLeft")
        page.keyboard.up("Shift")
        _tab_to(page, f"#{general_id}-url", back=True)
        page.keyboard.type("https://start.stockholm/remiss")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # Infoga länk
        box = page.locator(editor)
        assert box.locator("ul li").count() == 2
        assert box.locator("a[href='https://start.stockholm/remiss']").inner_text() == "stadens sida"
        assert box.locator("b, strong").first.inner_text() == "tillstyrker"
        page.get_by_text("Utkast sparat").wait_for()

        # Leave and come back: the draft is there
        page.goto("about:blank")
        page.goto(f"{base}/svar/{token}")
        box = page.locator(editor)
        box.locator("ul li").nth(1).wait_for()
        assert box.locator("a[href='https://start.stockholm/remiss']").count() == 1
        check_accessibility(page, "nämndens sida med utkast")

        # Send it in (keyboard) and read the receipt
        _tab_to(page, "button[formaction$='/skicka']")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Svaret är inskickat").wait_for()
        assert "Det här lästes ur filen" in page.locator("#utfall").inner_text()
        assert "Webbsidan" in page.locator("table").last.inner_text()
        check_accessibility(page, "nämndens sida efter Skicka in")
        with work.db.session() as session:
            row = session.scalar(
                select(ReceivedFileRow).where(
                    ReceivedFileRow.organisation_id == writer, ReceivedFileRow.is_current
                )
            )
            texts = [a.xml for a in session.scalars(select(AnswerRow).where(AnswerRow.file_id == row.id))]
        assert row.channel == "webb" and any("start.stockholm/remiss" in x for x in texts)
        assert any("kort ledtid" in x for x in texts)

        # Another nämnd uploads its filled files on its own page
        _, markup = rich_answers(work, uploader)
        first = work.round.assignments(uploader)[0]
        docx = tmp_path / "vart svar.docx"
        docx.write_bytes(
            fill_response_docx(answering.template_path(work, uploader, FileKind.DOCX)[1], markup)
        )
        xlsx = tmp_path / "vart svar.xlsx"
        xlsx.write_bytes(
            fill_response_xlsx(
                answering.template_path(work, uploader, FileKind.XLSX)[1],
                {(first.key, "kostnad_tkr"): "mycket"},
            )
        )
        page.goto(f"{base}/svar/{other}")
        page.get_by_label("Ifyllda filer (Word och Excel)").set_input_files([str(docx), str(xlsx)])
        page.get_by_role("button", name="Ladda upp").click()
        page.get_by_role("heading", name="Uppladdade filer").wait_for()
        shown = page.locator("#utfall").inner_text()
        assert shown.count("Mottagen") == 2 and "kunde inte användas" in shown, shown
        check_accessibility(page, "uppladdning med kvittens")

        # The desk asks the first for a completion; it shows on the page and is answered
        with work.db.session() as session:
            review.request_completion(session, replace(work, by="anna"), writer, "Beskriv kostnaden.")
        token = link_token(workspace, ROUND, writer)  # its mail carries a fresh link
        page.goto(f"{base}/svar/{token}")
        page.get_by_role("heading", name="Samordnarna ber nämnden komplettera svaret").wait_for()
        assert "Beskriv kostnaden." in page.content()
        check_accessibility(page, "begäran om komplettering")
        page.locator(editor).click()
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.type("Kostnaden är 1,2 miljoner kronor.")
        page.get_by_role("button", name="Skicka in").click()
        page.get_by_role("heading", name="Svaret är inskickat").wait_for()
        assert page.get_by_role("heading", name="Samordnarna ber nämnden komplettera svaret").count() == 0
        with work.db.session() as session:
            assert review.reviews(session, ROUND)[writer].answered
        assert problems == [], problems
        browser.close()


def test_late_closed_and_ended_links_in_the_browser(workspace):
    need_browser()
    from playwright.sync_api import sync_playwright

    from remiss.services.lifecycle.state import close_round
    from remiss.web import create_app

    work = open_work(workspace, ROUND)
    org, gone = silent(work, 2, order="fewest")
    token, old = link_token(workspace, ROUND, org), link_token(workspace, ROUND, gone)
    links.reissue(work, gone)
    app = create_app(workspace, clock=lambda: dt.date(2016, 6, 1))
    with served(app, free_port()) as base, sync_playwright() as p:
        browser, page, problems = _browser(p)
        page.goto(f"{base}/svar/{token}")
        page.get_by_text("Sista svarsdagen har passerat").wait_for()
        check_accessibility(page, "sen")
        page.goto(f"{base}/svar/{old}")
        page.get_by_role("heading", name="Länken gäller inte längre").wait_for()
        check_accessibility(page, "ersatt länk")
        close_round(work)
        page.goto(f"{base}/svar/{token}")
        page.get_by_text("Remissomgången är stängd").wait_for()
        assert page.get_by_role("button", name="Skicka in").count() == 0
        check_accessibility(page, "stängd omgång")
        assert [p for p in problems if not p.startswith("410 ")] == []
        browser.close()
