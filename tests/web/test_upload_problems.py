"""The desk's upload result names the Excel values its check refused, as the organisation page does.

Real store, the desk through FastAPI's TestClient, a filled Excel file from the round's template.
"""

from __future__ import annotations

import html

import lxml.html
from tests.intake import corpus as c
from tests.web.answer_support import silent
from tests.web.conftest import csrf_of

from remiss.services.work import open_work

ROUND = "sh-2016"


def _texts(page: str, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in lxml.html.fromstring(page).xpath(xpath)]


def test_a_refused_excel_value_shows_in_the_upload_result_in_the_organisation_pages_words(
    coordinator, workspace
):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    data = c.fill_excel(workspace, org, {"tidshorisont": "Budget 2016", "kostnad_tkr": "många"})
    answer = coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": csrf_of(coordinator)},
        files=[("filer", ("prioritering.xlsx", data))],
        headers={"X-Remiss-Upload": "1"},  # as desk.js sends each dropped file
    )
    assert answer.status_code == 200, answer.text
    first = answer.text
    assert "Mottagen" in first
    # The organisation page's words for the same values, shown on the upload result as they are.
    organisation = coordinator.get(f"/omgangar/{ROUND}/org/{org}").text
    expected = _texts(organisation, "//div[@class='ruta']//li[starts-with(normalize-space(.), 'Värdet')]")
    assert expected and all("'många'" in e and "Uppskattad kostnad (tkr)" in e for e in expected), expected
    first_number = work.round.assignments(org)[0].measure.number
    assert any(f"för åtgärd {first_number} " in e for e in expected), expected
    shown = " ".join(html.unescape(first).split())
    assert all(e in shown for e in expected), shown
