"""Pasting from Word into the page's editor keeps lists and emphasis (Word's HTML has no <ul>:
its list items are paragraphs with mso-list styles and a marker span) and the draft saved from
it holds real lists; text typed just before the tab closes still reaches the draft."""

from __future__ import annotations

import time

import pytest
from tests.mail.support import free_port
from tests.web.answer_support import link_token, silent
from tests.web.browser import CHROMIUM, need_browser, served
from tests.web.conftest import TODAY

from remiss.services import answering
from remiss.services.work import open_work

pytestmark = pytest.mark.slow
ROUND = "sh-2016"


def _item(marker: str, text: str, list_id: str) -> str:
    """One list paragraph as Word writes it to the clipboard."""
    return (
        f"<p class=MsoListParagraph style='text-indent:-18.0pt;mso-list:{list_id} level1 lfo1'>"
        "<![if !supportLists]><span style='font-family:Symbol;mso-list:Ignore'>"
        f"{marker}<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span></span>"
        f"<![endif]>{text}</p>"
    )


WORD_HTML = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{}</style></head>'
    "<body lang=SV><div class=WordSection1>"
    "<p class=MsoNormal>Nämnden <b>tillstyrker</b> med <i>två</i> förbehåll:</p>"
    + _item("·", "tidig dialog", "l0")
    + _item("·", "kort <span style='font-weight:bold'>ledtid</span>", "l0")
    + _item("1.", "först", "l1")
    + _item("2.", "sedan", "l1")
    + "</div></body></html>"
)


def test_pasting_from_word_keeps_lists_and_emphasis(workspace):
    need_browser()
    from playwright.sync_api import sync_playwright

    from remiss.web import create_app

    work = open_work(workspace, ROUND)
    org = silent(work, order="fewest")[0]
    token = link_token(workspace, ROUND, org)
    with served(create_app(workspace, clock=lambda: TODAY), free_port()) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{base}/svar/{token}")
        editor = page.locator(".rik").first
        editor.click()
        page.evaluate(
            """([html]) => {
                const data = new DataTransfer();
                data.setData('text/html', html);
                data.setData('text/plain', 'fel väg');
                document.activeElement.dispatchEvent(
                    new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
            }""",
            [WORD_HTML],
        )
        assert [li.inner_text() for li in editor.locator("ul > li").all()] == ["tidig dialog", "kort ledtid"]
        assert [li.inner_text() for li in editor.locator("ol > li").all()] == ["först", "sedan"]
        assert editor.locator("strong").all_inner_texts() == ["tillstyrker", "ledtid"]
        assert editor.locator("em").all_inner_texts() == ["två"]
        assert "·" not in editor.inner_text() and "1." not in editor.inner_text()
        page.get_by_text("Utkast sparat").wait_for()
        browser.close()
    draft = answering.answer_page(work, org).draft
    saved = next(html for html in draft.values() if "tidig dialog" in html)
    assert "<ul><li>tidig dialog</li><li>kort <strong>ledtid</strong></li></ul>" in saved
    assert "<ol><li>först</li><li>sedan</li></ol>" in saved


def test_nothing_is_lost_when_the_tab_closes_at_once(workspace):
    need_browser()
    from playwright.sync_api import sync_playwright

    from remiss.web import create_app

    work = open_work(workspace, ROUND)
    org = silent(work, order="fewest")[0]
    token = link_token(workspace, ROUND, org)
    with served(create_app(workspace, clock=lambda: TODAY), free_port()) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(f"{base}/svar/{token}")
        page.locator(".rik").first.click()
        page.keyboard.type("Skrivet precis innan fliken stängdes")
        page.close(run_before_unload=True)  # before the autosave's pause has passed
        for _ in range(50):
            if any("precis innan" in html for html in answering.answer_page(work, org).draft.values()):
                break
            time.sleep(0.1)
        browser.close()
    assert any("precis innan fliken" in html for html in answering.answer_page(work, org).draft.values())
