"""What a new coordinator saw in Chromium: a filtered board reloaded, a diff of a list."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.intake import corpus as c
from tests.mail.support import free_port
from tests.web.browser import CHROMIUM, need_browser, served
from tests.web.conftest import PASSWORD, TODAY

from remiss.documents.model import GENERAL
from remiss.documents.word.fill import fill_response_docx
from remiss.documents.word.wordml import field_tag
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work

pytestmark = pytest.mark.slow
ROUND = "sh-2016"


@pytest.fixture
def page(workspace):
    need_browser()
    from playwright.sync_api import sync_playwright

    from remiss.web import create_app

    with served(create_app(workspace, clock=lambda: TODAY), free_port()) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--lang=sv-SE"])
        tab = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE").new_page()
        tab.goto(base + "/")
        tab.get_by_label("Användarnamn").fill("samordnare")
        tab.get_by_label("Lösenord").fill(PASSWORD)
        tab.get_by_role("button", name="Logga in").click()
        tab.get_by_role("heading", name="Remissomgångar").wait_for()
        tab.base = base
        yield tab
        browser.close()


def test_a_filtered_board_reloads_as_the_board(page):
    page.goto(page.base + f"/omgangar/{ROUND}")
    page.get_by_label("Status").select_option("complete")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(f"**/omgangar/{ROUND}?*status=complete*")
    page.reload()
    assert page.get_by_role("link", name="Karantän").is_visible()  # the whole page, with its menu
    assert page.get_by_label("Status").input_value() == "complete"
    assert "(filtrerat)" in page.locator("#tavla caption").inner_text()


def test_a_diff_keeps_each_paragraph_and_list_item_on_its_own_line(page, workspace):
    ctx = open_work(workspace, ROUND).round
    org = ctx.recipient_ids[-1]
    tag = field_tag(GENERAL, ctx.definition.fields.general.id)
    for day, first in ((20, "Vi vill lyfta:"), (21, "Vi vill särskilt lyfta:")):
        data = fill_response_docx(
            c.issued(workspace, org, ".docx"), {tag: [first, "- tidig dialog", "- samverkan"]}
        )
        path = workspace.home / f"svar-{day}.docx"
        path.write_bytes(data)
        collect_paths(open_work(workspace, ROUND, now=dt.datetime(2016, 4, day, 10, tzinfo=dt.UTC)), [path])
    page.goto(page.base + f"/omgangar/{ROUND}/org/{org}")
    page.get_by_role("button", name="Jämför").click()
    lines = page.locator(".svar").first.inner_text().splitlines()
    assert lines[1:] == ["tidig dialog", "samverkan"] and "särskilt" in lines[0], lines
