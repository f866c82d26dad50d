"""A coordinator's day in a real browser (Debian's chromium through Playwright), axe on every page.

Log in, create and launch a round from its YAML, upload returned files by the upload form,
watch the board change when a file arrives, read an organisation's answers, ask for a
completion with the keyboard only, extend, preview and send reminders to a loopback SMTP
server, build the annex and download it. Screenshots of the board and one organisation go
to docs/.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from tests.lifecycle.support import unidentified
from tests.mail.support import SmtpServer, free_port
from tests.web.browser import CHROMIUM, Clock, check_accessibility, need_browser, served
from tests.web.conftest import PASSWORD

from remiss import resources
from remiss.demo.simulate import simulate_returns
from remiss.services import accounts
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.settings import Workspace
from remiss.store.database import open_database

pytestmark = pytest.mark.slow
DOCS = Path(__file__).resolve().parents[2] / "docs"
ROUND = "sh-2016"


def _tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus by Tab")


def test_a_coordinators_day(tmp_path, monkeypatch):
    need_browser()
    from playwright.sync_api import sync_playwright

    from remiss.web import create_app

    home = tmp_path / "home"
    monkeypatch.setenv("REMISS_HOME", str(home))
    monkeypatch.setenv("REMISS_PARSE_WORKERS", "0")
    workspace = Workspace.from_env(home)
    with open_database(workspace.database_url).session() as session:
        accounts.add_user(session, "anna", PASSWORD, accounts.Role.COORDINATOR)
    clock = Clock(dt.date(2016, 4, 18))
    with SmtpServer() as smtp:
        for name, value in smtp.env().items():
            monkeypatch.setenv(name, value)
        app = create_app(workspace, clock=clock)
        with served(app, free_port()) as base, sync_playwright() as p:
            # As a Swedish coordinator sees it: the UI language decides a date input's format
            # ('åååå-mm-dd', not 'mm/dd/yyyy'), the context's locale and zone the page's own.
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--lang=sv-SE"],
                # LANGUAGE picks the Swedish UI (chromium-l10n); LANG stays a locale the machine
                # has, or file names with å, ä, ö are lost on their way into the file input.
                env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "sv"},
            )
            page = browser.new_context(
                viewport={"width": 1400, "height": 900},
                accept_downloads=True,
                locale="sv-SE",
                timezone_id="Europe/Stockholm",
            ).new_page()
            csp_errors: list[str] = []
            page.on(
                "console",
                lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
            )

            # Log in
            page.goto(base + "/")
            check_accessibility(page, "inloggningen")
            page.get_by_label("Användarnamn").fill("anna")
            page.get_by_label("Lösenord").fill(PASSWORD)
            page.get_by_role("button", name="Logga in").click()
            page.get_by_role("heading", name="Remissomgångar").wait_for()
            check_accessibility(page, "omgångarna (tom)")

            # Create and launch the round
            page.get_by_role("link", name="Skapa en omgång").click()
            check_accessibility(page, "skapa en omgång")
            page.get_by_label("Omgångens YAML-fil").set_input_files(str(resources.bundled_round()))
            page.get_by_role("button", name="Kontrollera och spara").click()
            page.get_by_role("heading", name=f"Förhandsgranska {ROUND}").wait_for()
            page.get_by_label("Visa vad en nämnd får").select_option("bromma")
            page.get_by_role("button", name="Visa").click()
            page.get_by_role("heading", name="Bromma").wait_for()
            check_accessibility(page, "förhandsgranskningen")
            page.get_by_role("button", name="Skicka ut omgången").click()
            page.locator("#tavla").wait_for()
            assert page.locator("tr[id^=org-]").count() == 31
            assert page.locator("#tavla .s-missing .tal").inner_text() == "31"

            # Upload returned files (several at once, one refused)
            ctx = open_work(workspace, ROUND).round
            arrivals = simulate_returns(workspace, ctx)
            files = [f for a in arrivals[:4] for f in a.files]
            junk = tmp_path / "anteckningar.docx"
            junk.write_bytes(b"inte ett Word-dokument")
            stranger = arrivals[6].organisation  # its answer comes with nothing that says whose it is
            nameless = tmp_path / "svar.docx"
            nameless.write_bytes(unidentified(workspace, stranger))
            page.get_by_role("link", name="Ladda upp").click()
            check_accessibility(page, "uppladdningen")
            chosen = [*map(str, files), str(junk), str(nameless)]
            page.get_by_label("Dra filerna hit, eller välj dem").set_input_files(chosen)
            page.get_by_role("button", name="Ladda upp").click()
            page.locator("#utfall tbody tr").nth(len(files) + 1).wait_for()
            outcomes = page.locator("#utfall tbody tr").all_inner_texts()
            assert sum("Mottagen" in o for o in outcomes) == len(files), outcomes
            assert "Avvisad" in outcomes[-2] and "Avvisad" in outcomes[-1], outcomes
            check_accessibility(page, "uppladdningen med utfall")

            # The board changes without a reload when a file arrives (here: collected by mail)
            page.get_by_role("link", name="Tavla").click()
            check_accessibility(page, "tavlan")
            waiting = arrivals[4]
            row = page.locator(f"#org-{waiting.organisation}")
            assert "Saknas" in row.inner_text()
            collect_paths(open_work(workspace, ROUND).at(waiting.at), waiting.files)
            page.wait_for_function(
                "(id) => !document.querySelector('#org-' + id).innerText.includes('Saknas')",
                arg=waiting.organisation,
                timeout=20000,
            )
            page.screenshot(path=str(DOCS / "desk-board.png"), full_page=False)
            page.get_by_label("Status").select_option("complete")
            page.get_by_role("button", name="Visa").click()
            page.wait_for_function("() => document.querySelectorAll('tr[id^=org-]').length < 31")
            check_accessibility(page, "tavlan filtrerad")

            # Keyboard only: from the board to an organisation, and its completion form
            answered = arrivals[0].organisation
            name = ctx.organisation(answered).forvaltning
            page.goto(base + f"/omgangar/{ROUND}")
            _tab_to(page, f"a[href='/omgangar/{ROUND}/org/{answered}']")
            page.keyboard.press("Enter")
            page.get_by_role("heading", name=name, exact=True).wait_for()
            assert page.locator(".svar p").count() > 0  # the answers, as HTML
            check_accessibility(page, "en förvaltning")
            page.screenshot(path=str(DOCS / "desk-organisation.png"), full_page=False)
            _tab_to(page, "#meddelande")
            page.keyboard.type("Åtgärd 4.1.1: ange kostnaden.")
            page.keyboard.press("Tab")
            for part in ("2016", "05", "20"):  # a Swedish date field: åååå-mm-dd (the year may be longer)
                page.keyboard.type(part)
                page.keyboard.press("ArrowRight")
            assert page.locator("#ny-dag").input_value() == "2016-05-20"
            _tab_to(page, "#begar-komplettering")
            page.keyboard.press("Enter")
            page.wait_for_url("**/org/*?klart=*")
            assert "Begäran om komplettering är skriven" in page.locator("main").inner_text()
            check_accessibility(page, "en förvaltning efter begäran")
            assert "Behöver kompletteras" in page.locator("main").inner_text()

            # Extend another organisation
            other = arrivals[1].organisation
            page.goto(base + f"/omgangar/{ROUND}/org/{other}")
            page.get_by_label("Ny sista svarsdag", exact=True).fill("2016-05-13")
            page.get_by_role("button", name="Ge anstånd").click()
            page.get_by_text("Anståndet är registrerat.").wait_for()

            # Quarantine and log
            page.get_by_role("link", name="Karantän").click()
            assert "anteckningar.docx" in page.locator("main").inner_text()
            check_accessibility(page, "karantänen")
            page.locator("select[id^=org-]").select_option(stranger)
            page.get_by_role("button", name="Tillskriv").click()
            page.get_by_text(re.compile(r"Filen är tillskriven \S.* och inläst som dess svar\.")).wait_for()
            assert "svar.docx" not in page.locator("main").inner_text()
            page.goto(base + f"/omgangar/{ROUND}/org/{stranger}")
            assert "svar.docx" in page.locator("main").inner_text()
            page.get_by_role("link", name="Logg").click()
            check_accessibility(page, "loggen")

            # Reminders after the deadline: previewed, then sent to the SMTP server
            clock.day = dt.date(2016, 5, 2)
            page.get_by_role("link", name="Påminnelser").click()
            previews = page.locator("pre.brev").count()
            assert previews > 0
            check_accessibility(page, "påminnelserna")
            page.get_by_role("button", name=f"Skicka {previews} påminnelser").click()
            page.get_by_text(f"{previews} påminnelser skrivna").wait_for()
            reminders = [r for r in smtp.recorder.received if r.key.startswith("reminder:")]
            assert len(reminders) == previews
            assert any(r.key.startswith("completion:") for r in smtp.recorder.received)

            # The annex: built, downloaded
            page.get_by_role("link", name="Bilaga").click()
            check_accessibility(page, "bilagan")
            page.get_by_label("Även arbetsbok (.xlsx)").check()
            page.get_by_role("button", name="Bygg bilagan").click()
            link = page.get_by_role("link", name="Ladda ner Word (.docx)")
            link.wait_for(timeout=60000)
            check_accessibility(page, "bilagan byggd")
            with page.expect_download() as download:
                link.click()
            data = Path(download.value.path()).read_bytes()
            assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
            assert name.encode() in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
            browser.close()
    assert csp_errors == []
