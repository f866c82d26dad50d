"""OWASP's XSS filter-evasion examples through the sanitiser and into the nämnd's page: none runs.

Three checks: the sanitised HTML holds only allow-listed tags and attributes (parsed, not
grepped); rendered with no CSP at all in Chromium, none of it sets the flag or opens a dialog
(a control without sanitising shows the detector works); and on the real page — saved as
drafts, pasted into the editor, sent in — nothing runs either.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from tests.mail.support import free_port
from tests.web.answer_support import link_token, silent
from tests.web.browser import CHROMIUM, need_browser, served
from tests.web.conftest import TODAY

from remiss.documents.richtext import SCHEMES, TAGS, sanitize
from remiss.services import answering
from remiss.services.work import open_work

ROUND = "sh-2016"
X = "window.__xss=1;alert(1)"
# A representative selection of the OWASP XSS Filter Evasion Cheat Sheet.
ENTITIES = "".join(f"&#{ord(c):07d}" for c in "javascript:")  # &#0000106&#0000097…
DECIMAL = "".join(f"&#{ord(c)};" for c in "javascript:alert(1)")
SVG_B64 = (
    "PHN2ZyB4bWxuczpzdmc9Imh0dHA6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv"
    "MjAwMC9zdmciPjxzY3JpcHQ+YWxlcnQoMSk8L3NjcmlwdD48L3N2Zz4="
)
PAYLOADS = [
    f"<SCRIPT>{X}</SCRIPT>",
    f"<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT><script>{X}</script>",
    f'<IMG SRC="javascript:{X}">',
    f"<IMG SRC=javascript:{X}>",
    f"<IMG SRC=JaVaScRiPt:{X}>",
    f"<IMG SRC=`javascript:{X}`>",
    f'<IMG """><SCRIPT>{X}</SCRIPT>">',
    f'<IMG SRC=# onmouseover="{X}">',
    f'<IMG SRC=/ onerror="{X}"></img>',
    f'<img src=x onerror="{ENTITIES}{X}">',
    f"<IMG SRC={DECIMAL}>",
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    '<IMG SRC="jav&#x0A;ascript:alert(1);">',
    '<IMG SRC=" &#14;  javascript:alert(1);">',
    f'<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT><BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`={X}>',
    f"<<SCRIPT>{X};//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.rocks/xss.js?< B >",
    f"</TITLE><SCRIPT>{X}</SCRIPT>",
    f'<INPUT TYPE="IMAGE" SRC="javascript:{X}">',
    f'<BODY BACKGROUND="javascript:{X}">',
    f"<svg/onload={X}>",
    f"<svg><script>{X}</script></svg>",
    f'<IFRAME SRC="javascript:{X}"></IFRAME>',
    f'<iframe srcdoc="<script>{X}</script>"></iframe>',
    f'<OBJECT TYPE="text/x-scriptlet" DATA="javascript:{X}"></OBJECT>',
    f'<EMBED SRC="data:image/svg+xml;base64,{SVG_B64}" type="image/svg+xml"></EMBED>',
    f'<a href="javascript:{X}">klicka</a>',
    f'<a href="JaVaScRiPt:{X}">klicka</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klicka</a>',
    f'<a href="vbscript:msgbox(1)" onclick="{X}">klicka</a>',
    f'<p style="background-image: url(javascript:{X})">stil</p>',
    f'<DIV STYLE="width: expression({X});">uttryck</DIV>',
    f'<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:{X};">',
    f'<LINK REL="stylesheet" HREF="javascript:{X};">',
    f'<BASE HREF="javascript:{X};//">',
    f'<TABLE BACKGROUND="javascript:{X}"><TD BACKGROUND="javascript:{X}">cell</TD></TABLE>',
    f'<details open ontoggle="{X}"><summary>x</summary></details>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{X}"></style></mglyph></table></mtext></math>',
    f'<noscript><p title="</noscript><img src=x onerror={X}>">',
    f'<form><button formaction="javascript:{X}">knapp</button></form>',
]


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            allowed = tag == "a" and name in ("href", "rel")
            if not allowed:
                self.bad.append(f"{tag}[{name}]")
            if name == "href" and (value or "").split(":", 1)[0].lower() not in SCHEMES:
                self.bad.append(f"href={value}")


def test_sanitised_examples_keep_only_the_allow_list():
    assert len(PAYLOADS) >= 30
    for payload in PAYLOADS:
        audit = _Audit()
        audit.feed(sanitize(payload))
        assert audit.bad == [], (payload, sanitize(payload))


@pytest.mark.slow
def test_none_of_the_examples_runs_in_chromium(workspace, monkeypatch):
    need_browser()
    from playwright.sync_api import sync_playwright

    from remiss.web import create_app

    monkeypatch.setenv("REMISS_PARSE_WORKERS", "0")
    work = open_work(workspace, ROUND)
    org = silent(work, order="most")[0]
    token = link_token(workspace, ROUND, org)
    tags = sorted(answering.input_names(work, org)[0])
    app = create_app(workspace, clock=lambda: TODAY)
    with served(app, free_port()) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_context().new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        def ran() -> bool:
            page.wait_for_timeout(300)
            return bool(dialogs) or page.evaluate("() => window.__xss === 1")

        # The detector works: unsanitised, the same payloads do run (no CSP on a blank page).
        page.set_content(f"<html><body>{PAYLOADS[8]}</body></html>")
        assert ran(), "the control payload should have run"
        dialogs.clear()

        # Sanitised, with no CSP to help: nothing runs.
        page.goto("about:blank")
        page.set_content("<html><body>" + "".join(sanitize(x) for x in PAYLOADS) + "</body></html>")
        page.mouse.move(10, 10)
        assert not ran(), dialogs

        # The real page: drafts (chunked over the nämnd's fields), shown and in the editors.
        for start in range(0, len(PAYLOADS), len(tags)):
            chunk = PAYLOADS[start : start + len(tags)]
            answering.save_draft(work, org, dict(zip(tags, chunk, strict=False)))
            page.goto(f"{base}/svar/{token}")
            page.locator(".rik").first.wait_for()
            for editor in page.locator(".rik").all()[:5]:
                editor.hover()
            assert not ran(), (start, dialogs)

        # Pasted into the editor (the paste handler's own cleaning, then the server's).
        page.goto(f"{base}/svar/{token}")
        editor = page.locator(".rik").first
        editor.click()
        for payload in PAYLOADS:
            page.evaluate(
                """([html]) => {
                    const data = new DataTransfer();
                    data.setData('text/html', html);
                    document.activeElement.dispatchEvent(
                        new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
                }""",
                [payload],
            )
        assert not ran(), dialogs
        page.get_by_text("Utkast sparat").wait_for()

        # Sent in: the receipt on the page (and everything around it) runs nothing either.
        page.get_by_role("button", name="Skicka in").click()
        page.get_by_role("heading", name="Svaret är inskickat").wait_for()
        assert not ran(), dialogs
        page.goto(f"{base}/svar/{token}")
        assert not ran(), dialogs
        browser.close()
