"""What a new coordinator and a nämnd official ran into on the desk and the nämnd's page.

Each test is one finding of a first walk through a round (create, upload, board, one
organisation, quarantine, the nämnd's link), on the real store through FastAPI's TestClient.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.intake import corpus as c
from tests.lifecycle.support import unidentified
from tests.mail.support import SmtpServer
from tests.web.answer_support import link_token, silent
from tests.web.conftest import csrf_of, login

from remiss import resources
from remiss.services.intake.collect import collect_paths
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import AnswerRow, ReceivedFileRow

ROUND = "sh-2016"


def test_every_mistake_in_a_round_file_is_its_own_line(coordinator):
    text = resources.bundled_round().read_text(encoding="utf-8")
    text = text.replace("deadline: 2016-04-29", "deadline: 2016-02-30").replace("id: sh-2016", "id: SH 2016")
    answer = coordinator.post(
        "/omgangar/ny",
        data={"csrf": csrf_of(coordinator)},
        files={"definition": ("fel.yaml", text.encode())},
    )
    assert answer.status_code == 400
    shown = re.findall(r"<li>(fel\.yaml rad \d+: [^<]*)</li>", html.unescape(answer.text))
    assert len(shown) == 2, answer.text
    assert any("'id'" in line for line in shown) and any("'deadline'" in line for line in shown)


def test_an_upload_names_the_forvaltning_not_its_catalog_id(coordinator, workspace):
    data = c.fill_word(workspace, "enskede-arsta-vantor", " Från desken.")
    answer = coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": csrf_of(coordinator)},
        files=[("filer", ("svar.docx", data))],
        headers={"X-Remiss-Upload": "1"},
    )
    assert answer.status_code == 200
    assert '/org/enskede-arsta-vantor">Enskede-Årsta-Vantör</a>' in answer.text


def test_a_filtered_board_address_opened_again_is_the_whole_page(coordinator):
    table = f"/omgangar/{ROUND}/tavla?status=complete&sortera=namn"
    direct = coordinator.get(table, follow_redirects=False)  # a reload or a bookmark of the pushed address
    assert direct.status_code == 303
    assert direct.headers["location"] == f"/omgangar/{ROUND}?status=complete&sortera=namn"
    page = coordinator.get(table)
    assert "<html" in page.text and 'id="tavla-filter"' in page.text
    filtered = coordinator.get(table, headers={"HX-Request": "true", "HX-Trigger": "tavla-filter"})
    assert "<html" not in filtered.text and '<section id="tavla"' in filtered.text
    assert filtered.headers["hx-push-url"] == f"/omgangar/{ROUND}?status=complete&sortera=namn"
    polled = coordinator.get(table, headers={"HX-Request": "true", "HX-Trigger": "tavla"})
    assert "hx-push-url" not in polled.headers  # the refresh every 10 s never adds history


def test_an_organisations_items_name_their_group_and_role_in_words(coordinator, workspace):
    ctx = open_work(workspace, ROUND).round
    org = next(o for o in ctx.recipient_ids if ctx.assignments(o))
    first = ctx.assignments(org)[0]
    page = coordinator.get(f"/omgangar/{ROUND}/org/{org}").text
    assert f"({first.report.title} · {first.role.value})" in page
    assert f", {first.report.id})" not in page
    assert f"Excelvärden för åtgärd {first.measure.number}</caption>" in page


def test_a_withdrawn_file_stays_listed_on_the_organisation_page(coordinator, workspace):
    with coordinator.app.state.desk.db.session() as session:
        row = session.scalar(
            select(ReceivedFileRow).where(
                ReceivedFileRow.kind == "docx", ReceivedFileRow.status == "accepted"
            )
        )
    answer = coordinator.post(
        f"/omgangar/{ROUND}/org/{row.organisation_id}/filer/{row.id}/aterkalla",
        data={"csrf": csrf_of(coordinator)},
    )
    assert "Filen är återkallad" in answer.text
    files = answer.text.split('id="versioner-rubrik"')[1].split("</table>")[0]
    listed = files.split(f'href="/filer/{row.id}"')[1].split("</tr>")[0]
    assert "(återkallad, räknas inte)" in listed and "Återkalla</button>" not in listed
    log = coordinator.get(f"/omgangar/{ROUND}/logg").text  # the log says it in the desk's word
    assert re.search(r"version \d+\) återkallades och räknas inte", log), log


def test_attributing_asks_for_a_choice_and_names_the_forvaltning(coordinator, workspace):
    path = workspace.home / "okänd.docx"
    path.write_bytes(unidentified(workspace, "farsta", " Okänd avsändare."))
    collect_paths(open_work(workspace, ROUND), [path])
    page = coordinator.get(f"/omgangar/{ROUND}/karantan").text
    assert re.search(r'<select id="org-\d+" name="organisation" required><option value="">Välj', page)
    with coordinator.app.state.desk.db.session() as session:
        file_id = session.scalar(
            select(ReceivedFileRow.id).where(ReceivedFileRow.original_name == "okänd.docx")
        )
    done = coordinator.post(
        f"/omgangar/{ROUND}/karantan/{file_id}/tillskriv",
        data={"csrf": csrf_of(coordinator), "organisation": "farsta"},
    )
    assert "Filen är tillskriven Farsta och inläst som dess svar." in done.text


def test_the_namnd_page_names_the_rounds_own_excel_columns_and_numbers_items_once(app, workspace):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    page = TestClient(app).get(f"/svar/{link_token(workspace, ROUND, org)}").text
    columns = [f"”{c.label}”" for c in work.round.definition.fields.excel]
    assert f"Excelfilen med kolumnerna {', '.join(columns[:-1])} och {columns[-1]} (.xlsx)" in page
    assert '<ul class="atgarder">' in page  # "4.1.1 …" is the item's number; no "1." before it


@pytest.fixture
def smtp(monkeypatch):
    with SmtpServer() as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        yield server


def test_mail_a_desk_step_writes_goes_out_at_once_with_smtp(coordinator, workspace, smtp):
    """A completion request, an uploaded file's receipt and resent templates are mailed when the
    step is done, not the next morning when the reminders run."""
    token = csrf_of(coordinator)
    coordinator.post(
        f"/omgangar/{ROUND}/org/farsta/komplettera",
        data={"csrf": token, "message": "4.1.1 saknar kostnad."},
    )
    assert any(r.key.startswith("completion:") for r in smtp.recorder.wait_for(1))
    page = coordinator.get(f"/omgangar/{ROUND}/org/farsta?klart=komplettera").text
    assert "skickas till nämnden med e-post" in page
    coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": token},
        files=[("filer", ("svar.docx", c.fill_word(workspace, "farsta", " Kompletterat.")))],
        headers={"X-Remiss-Upload": "1"},
    )
    coordinator.post(f"/omgangar/{ROUND}/org/bromma/skicka-igen", data={"csrf": token})
    keys = [r.key for r in smtp.recorder.wait_for(3)]
    assert any(k.startswith("receipt:") for k in keys) and any(k.startswith("resend:") for k in keys)


def test_the_namnd_pages_receipt_is_mailed_as_the_page_says(app, workspace, smtp):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    client = TestClient(app)
    token = link_token(workspace, ROUND, org)
    page = client.get(f"/svar/{token}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    done = client.post(
        f"/svar/{token}/ladda-upp",
        data={"csrf": csrf},
        files=[("filer", ("vårt svar.docx", c.fill_word(workspace, org, " Från sidan.")))],
    )
    assert "som också skickas med e-post" in done.text
    [mail] = smtp.recorder.wait_for(1)
    assert mail.key.startswith("receipt:")


def _current_texts(workspace, org: str) -> dict[tuple[str, str], str]:
    with open_database(workspace.database_url).session() as session:
        rows = session.execute(
            select(AnswerRow.measure_key, AnswerRow.field_id, AnswerRow.text)
            .join(ReceivedFileRow, ReceivedFileRow.id == AnswerRow.file_id)
            .where(ReceivedFileRow.organisation_id == org, ReceivedFileRow.is_current, ~AnswerRow.empty)
        )
        return {(key, field): " ".join(text.split()) for key, field, text in rows}


def test_a_completion_answered_in_the_browser_keeps_the_files_answers(app, workspace):
    """The form starts from the answers of the file the nämnd sent; sending it in with one more
    answer keeps the others, instead of a version holding only what was typed on the page."""
    with open_database(workspace.database_url).session() as session:
        org = session.scalar(
            select(ReceivedFileRow.organisation_id).where(
                ReceivedFileRow.kind == "docx", ReceivedFileRow.is_current
            )
        )
    before = _current_texts(workspace, org)
    client = TestClient(app)
    token = link_token(workspace, ROUND, org)
    page = client.get(f"/svar/{token}").text
    assert "Fälten nedan visar nämndens senaste svar" in page
    form = lxml.html.fromstring(page).get_element_by_id("webbsvar")
    values = dict(form.form_values())  # what the browser sends without JavaScript
    general = next(name for name in values if name.startswith("remiss:general:"))
    values[general] = "Nämnden kompletterar med en övergripande kommentar."
    sent = client.post(f"/svar/{token}/skicka", data=values)
    assert "Svaret är inskickat" in sent.text
    after = _current_texts(workspace, org)
    assert after.pop(("general", general.split(":")[-1])) == values[general]
    before.pop(("general", general.split(":")[-1]), None)
    assert after == before


def test_adding_or_removing_a_recipient_needs_a_choice_never_the_first_in_the_list(coordinator, workspace):
    page = coordinator.get(f"/omgangar/{ROUND}").text
    assert '<select id="ta-bort" name="organisation" required><option value="">Välj' in page
    before = open_work(workspace, ROUND).round.recipient_ids
    token = csrf_of(coordinator)
    for path in ("mottagare", "mottagare/ta-bort"):
        answer = coordinator.post(f"/omgangar/{ROUND}/{path}", data={"csrf": token, "organisation": ""})
        assert answer.status_code == 400 and "Välj en förvaltning i listan först." in answer.text
    assert open_work(workspace, ROUND).round.recipient_ids == before


def test_the_preview_shows_the_request_with_where_its_answer_link_will_stand(coordinator):
    page = html.unescape(coordinator.get(f"/omgangar/{ROUND}/forhandsgranska").text)
    assert "Ni kan också svara direkt i webbläsaren" in page
    assert "/svar/(nämndens personliga länk, skapas vid utskicket)" in page


def test_days_left_count_from_the_desks_day(workspace):
    from remiss.web import create_app

    client = TestClient(create_app(workspace, clock=lambda: dt.date(2016, 4, 20)))  # a replayed day
    login(client)
    row = client.get("/").text.split(f'href="/omgangar/{ROUND}"')[1].split("</tr>")[0]
    assert "<td>9</td>" in row  # to 29 april, not from the machine's date


def test_an_upload_refused_as_a_whole_is_one_swedish_line_for_the_drop_zone(coordinator, workspace):
    token = csrf_of(coordinator)
    coordinator.post(f"/omgangar/{ROUND}/stang", data={"csrf": token})
    refused = coordinator.post(
        f"/omgangar/{ROUND}/ladda-upp",
        data={"csrf": token},
        files=[("filer", ("svar.docx", c.fill_word(workspace, "farsta")))],
        headers={"X-Remiss-Upload": "1"},
    )
    assert refused.status_code == 400
    assert refused.text.startswith('<p class="fel">') and "är stängd" in refused.text
    assert "Logga ut" not in refused.text  # desk.js shows the text as it is: no page around it
    assert "”Öppna omgången igen” på tavlan" in refused.text  # what the desk's user can do about it


def test_the_log_names_what_was_mailed_not_the_outbox_key():
    from remiss.services.lifecycle.log import describe

    request = describe("mail.sent", {"key": "request:sh-2016:farsta"})
    assert request == "E-post skickades: förfrågan med mallarna."
    assert describe("mail.sent", {"key": "receipt:ab12"}) == "E-post skickades: kvittens."
    failed = describe("mail.failed", {"key": "completion:sh-2016:farsta:1", "error": "550 okänd"})
    assert failed == "E-post kunde inte skickas (begäran om komplettering): 550 okänd"


def test_creating_a_round_says_what_happened_and_warns_of_its_deadline(coordinator):
    """As `remiss round create` does: created or unchanged, and a deadline that has passed or
    falls on a day off ("Obs: …") before anything goes out."""
    text = resources.bundled_round().read_text(encoding="utf-8")
    text = text.replace("id: sh-2016", "id: ny-2016").replace("deadline: 2016-04-29", "deadline: 2016-04-23")
    token = csrf_of(coordinator)
    upload = {"definition": ("ny.yaml", text.encode())}
    page = html.unescape(coordinator.post("/omgangar/ny", data={"csrf": token}, files=upload).text)
    assert "Omgången är sparad." in page
    warnings = re.findall(r'<p class="varn">Obs: ([^<]*)</p>', page)
    assert any("har redan passerat" in w for w in warnings)  # TODAY is 27 april 2016
    assert any("2016-04-23" in w and "lördag" in w for w in warnings), warnings
    again = coordinator.post("/omgangar/ny", data={"csrf": token}, files=upload).text
    assert "Omgången fanns redan med exakt samma innehåll; ingenting ändrades." in again


def test_the_namnd_page_counts_received_files_in_plain_swedish(app, workspace):
    work = open_work(workspace, ROUND)
    [org] = silent(work, 1)
    path = workspace.home / "svar.docx"
    path.write_bytes(c.fill_word(workspace, org, " Ett svar."))
    collect_paths(work, [path])
    page = TestClient(app).get(f"/svar/{link_token(workspace, ROUND, org)}").text
    assert "– 1 fil mottagen, senast" in page and "fil(er)" not in page


def test_the_quarantine_and_the_log_say_why_in_swedish_not_by_code(coordinator, workspace):
    path = workspace.home / "vem.docx"
    path.write_bytes(unidentified(workspace, "farsta", " Utan avsändare."))
    collect_paths(open_work(workspace, ROUND), [path])
    page = coordinator.get(f"/omgangar/{ROUND}/karantan").text
    row = page.split('href="/filer/')[1].split("</tr>")[0]
    assert "vem.docx" in row and "<td>okänd avsändare</td>" in row and "unidentified" not in row
    log = coordinator.get(f"/omgangar/{ROUND}/logg").text
    assert "Filen vem.docx avvisades: okänd avsändare." in log and "unidentified" not in log


def test_every_refusal_code_in_the_code_has_a_swedish_label():
    from remiss.domain.outcomes import REFUSAL_LABELS

    source = Path(__file__).parents[2] / "src" / "remiss"
    raised = {
        code
        for path in source.rglob("*.py")
        for code in re.findall(r'code="([a-z-]+)"', path.read_text(encoding="utf-8"))
    }
    assert len(raised) > 20 and raised <= set(REFUSAL_LABELS), raised - set(REFUSAL_LABELS)
