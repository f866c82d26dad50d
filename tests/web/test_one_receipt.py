"""What a nämnd sends together is answered by one receipt that says what came in and what is missing.

One "Skicka in" on the nämnd's page (Word fields and Excel values), and one upload of a Word and
an Excel file together on the page, each get ONE receipt mail, delivered through a real SMTP
server on loopback, on the real store through FastAPI's TestClient.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from tests.intake import corpus as c
from tests.mail.support import SmtpServer
from tests.web.answer_support import link_token, silent

from remiss.services import answering
from remiss.services.work import open_work

ROUND = "sh-2016"


@pytest.fixture
def smtp(monkeypatch):
    with SmtpServer() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _receipts(smtp: SmtpServer) -> list[str]:
    """The plain text of every receipt mail the server got (waiting a moment for a second one)."""
    smtp.recorder.wait_for(2, timeout=3)
    return [
        r.message.get_body(("plain",)).get_content()
        for r in smtp.recorder.received
        if r.key.startswith("receipt:")
    ]


def _page_answer(work, org: str) -> dict[str, str]:
    """A Word field and the Tidshorisont of the first åtgärd, as the page's form posts them."""
    first = work.round.assignments(org)[0]
    tags, cells = answering.input_names(work, org)
    tag = next(t for t in sorted(tags) if first.key in t)
    cell = answering.cell_name(first.key, "tidshorisont")
    assert cell in cells
    return {tag: "Vi tillstyrker åtgärden.", cell: "Budget 2016"}


def test_one_skicka_in_with_word_and_excel_values_is_one_receipt(app, workspace, smtp):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    token = link_token(workspace, ROUND, org)
    client = TestClient(app)
    csrf = _csrf(client.get(f"/svar/{token}").text)
    sent = client.post(
        f"/svar/{token}/skicka", data={"csrf": csrf, "format": "text"} | _page_answer(work, org)
    )
    assert sent.status_code == 200, sent.text
    [receipt] = _receipts(smtp)
    assert "har ännu inte kommit in" not in receipt
    assert "Vi tillstyrker åtgärden." in receipt and '"Budget 2016"' in receipt
    # The page shows that one receipt once, not once per file made from the answer.
    assert sent.text.count("Kvittensen, som också skickas med e-post") == 1


def test_one_upload_of_word_and_excel_is_one_receipt(app, workspace, smtp):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    token = link_token(workspace, ROUND, org)
    client = TestClient(app)
    csrf = _csrf(client.get(f"/svar/{token}").text)
    done = client.post(
        f"/svar/{token}/ladda-upp",
        data={"csrf": csrf},
        files=[
            ("filer", ("svar.docx", c.fill_word(workspace, org, " Från sidan."))),
            ("filer", ("prioritering.xlsx", c.fill_excel(workspace, org))),
        ],
    )
    assert done.status_code == 200, done.text
    [receipt] = _receipts(smtp)
    assert "har ännu inte kommit in" not in receipt
    assert "svar.docx" in receipt and "prioritering.xlsx" in receipt
    assert "Från sidan." in receipt
    page = client.get(f"/svar/{token}").text  # later visits: the receipt listed once, for both files
    assert page.count("<summary>Kvittens för det som kom in") == 1 and "Word-svaret version" not in page


VALUES = "värdena för ”Tidshorisont”, ”Motivering av prioritering” och ”Uppskattad kostnad (tkr)”"


def test_a_web_receipt_speaks_of_the_values_typed_not_of_an_excel_file(app, workspace, smtp):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    token = link_token(workspace, ROUND, org)
    client = TestClient(app)
    csrf = _csrf(client.get(f"/svar/{token}").text)
    answer = _page_answer(work, org)
    answer[answering.cell_name(work.round.assignments(org)[0].key, "kostnad_tkr")] = "många"
    sent = client.post(f"/svar/{token}/skicka", data={"csrf": csrf, "format": "text"} | answer)
    assert sent.status_code == 200, sent.text
    [receipt] = _receipts(smtp)
    assert "Excel" not in receipt, receipt  # the nämnd typed values; it sent no Excel file
    docx = f"remissvar-{ROUND}-{org}.docx"
    assert f"nämndens svar från webbsidan (Word-svaret, sparat som {docx}; {VALUES})" in receipt
    assert VALUES[0].upper() + VALUES[1:] in receipt and "Det här lämnades på webbsidan" in receipt
    assert "Värden som behöver rättas:" in receipt and "'många'" in receipt
    assert "Svaret kom in i tid" in receipt and "skickar ni in svaret igen på webbsidan" in receipt


def test_a_web_answer_without_values_says_the_values_are_missing_not_a_file(app, workspace, smtp):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    token = link_token(workspace, ROUND, org)
    client = TestClient(app)
    csrf = _csrf(client.get(f"/svar/{token}").text)
    words_only = {k: v for k, v in _page_answer(work, org).items() if not k.startswith("cell:")}
    sent = client.post(f"/svar/{token}/skicka", data={"csrf": csrf, "format": "text"} | words_only)
    assert sent.status_code == 200, sent.text
    [receipt] = _receipts(smtp)
    assert "Excelfilen har ännu inte kommit in" not in receipt
    assert (
        f"{VALUES[0].upper()}{VALUES[1:]} har ännu inte lämnats (på webbsidan eller i Excelfilen)." in receipt
    )
