"""The intake corpus: honest files read correctly, bad files refused, each with its own message.

Every file is made from the real templates a launched workspace issued for the bundled
round (see corpus.py), and the whole corpus goes through one real collection (worker
processes, SQLite, archive and quarantine on disk), in the order listed here.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import time
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.intake import corpus as c
from tests.intake.cases import build_cases, case_names

from remiss.documents.evidence import read_evidence
from remiss.errors import RejectedFile
from remiss.services import operations
from remiss.services.intake.collect import SIDECAR, collect_paths
from remiss.services.intake.pool import IntakeLimits, IntakePool
from remiss.services.intake.receipts import render_refusal
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import AnswerRow, OutboxRow, ReceivedFileRow, ValueRow

IN_TIME = dt.datetime(2016, 4, 20, 10, 0, tzinfo=dt.UTC)  # before the round's deadline


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """(workspace, {case name: (case, result)}) after one collection of the whole corpus."""
    home = tmp_path_factory.mktemp("intake")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        patch.setenv("REMISS_MAX_FILE_MB", "2")
        ws = c.launched(home)
        inbox = home / "inkommet"
        inbox.mkdir()
        cases = build_cases(ws)
        assert [case.name for case in cases] == case_names()
        paths = []
        for case in cases:
            path = inbox / case.file
            if path.exists():
                path = inbox / case.name / case.file
                path.parent.mkdir()
            path.write_bytes(case.data)
            paths.append(path)
        pool = IntakePool(IntakeLimits(workers=2, timeout_s=30, memory_mb=1024))
        try:
            results = collect_paths(open_work(ws, c.ROUND, now=IN_TIME), paths, pool=pool)
        finally:
            pool.close()
        yield ws, {case.name: (case, result) for case, result in zip(cases, results, strict=True)}


@pytest.mark.parametrize("name", case_names())
def test_outcome_and_message(collected, name):
    _ws, by_name = collected
    case, result = by_name[name]
    said = " ".join([result.reason or "", *result.warnings])
    assert result.outcome == case.outcome, said
    if case.code:
        assert result.code == case.code, said
    for words in case.says:
        assert words in said, f"{words!r} not in {said!r}"
    if case.outcome == "rejected":
        name_in_reason = unicodedata.normalize("NFC", case.file)
        assert name_in_reason in result.reason, "a refusal names the file"
    if case.org:
        assert result.organisation == case.org
    if case.identified_by:
        assert result.identified_by == case.identified_by


def rows(ws, *where) -> list[ReceivedFileRow]:
    with open_database(ws.database_url).session() as session:
        return list(session.scalars(select(ReceivedFileRow).where(*where).order_by(ReceivedFileRow.id)))


def answers_of(ws, file_id: int) -> dict[tuple[str, str], AnswerRow]:
    with open_database(ws.database_url).session() as session:
        found = session.scalars(select(AnswerRow).where(AnswerRow.file_id == file_id))
        return {(a.measure_key, a.field_id): a for a in found}


def values_of(ws, file_id: int) -> dict[tuple[str, str], ValueRow]:
    with open_database(ws.database_url).session() as session:
        found = session.scalars(select(ValueRow).where(ValueRow.file_id == file_id))
        return {(v.measure_key, v.column_id): v for v in found}


def file_row(ws, org: str, kind: str, name: str | None = None) -> ReceivedFileRow:
    found = rows(ws, ReceivedFileRow.organisation_id == org, ReceivedFileRow.kind == kind)
    return next(r for r in found if name is None or r.original_name == name)


def test_every_distinct_file_is_one_row_and_every_refusal_is_in_quarantine(collected):
    ws, by_name = collected
    digests = {hashlib.sha256(case.data).hexdigest() for case, _ in by_name.values()}
    stored = rows(ws)
    assert sorted(r.sha256 for r in stored) == sorted(digests)
    for row in stored:
        kept = Path(row.stored_path)
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == row.sha256
        if row.status == "rejected":
            assert kept.parent == ws.quarantine
            sidecar = kept.with_name(kept.name + SIDECAR).read_text(encoding="utf-8")
            assert (
                row.reason in sidecar
                and f"sha256: {row.sha256}" in sidecar
                and f"kod: {row.reason_code}" in sidecar
            )
        else:
            assert kept.parent == ws.archive / c.ROUND / row.organisation_id


def test_names_are_stored_in_nfc(collected):
    ws, _ = collected
    row = file_row(ws, "alvsjo", "docx")
    assert row.original_name == "Svar från Älvsjö stadsdelsförvaltning.docx"
    assert unicodedata.is_normalized("NFC", Path(row.stored_path).name)


def test_answers_are_read_whatever_the_editor_did(collected):
    ws, _ = collected
    ctx = open_work(ws, c.ROUND).round
    kungsholmen = answers_of(ws, file_row(ws, "kungsholmen", "docx").id)
    assert {a.found_by for a in kungsholmen.values()} == {"heading"}
    for assignment in ctx.assignments("kungsholmen"):
        assert kungsholmen[(assignment.key, c.MAIN_FIELD)].text == f"kungsholmen svarar på {assignment.key}."
    kultur_key = ctx.assignments("kultur")[0].key
    tracked = answers_of(ws, file_row(ws, "kultur", "docx").id)[(kultur_key, c.MAIN_FIELD)].text
    assert tracked == f"kultur svarar på {kultur_key}. Tillagt i granskningen."
    idrott_key = ctx.assignments("idrott")[0].key
    commented = answers_of(ws, file_row(ws, "idrott", "docx").id)[(idrott_key, c.MAIN_FIELD)]
    assert commented.text == f"idrott svarar på {idrott_key}." and "KOMMENTARTEXT" not in commented.xml
    trafik = answers_of(ws, file_row(ws, "trafik", "docx").id)
    filled = [a for a in trafik.values() if not a.empty]
    assert [a.text for a in filled] == ["Bara ett svar."]
    assert all(a.text == "" and a.xml == "" for a in trafik.values() if a.empty)


def test_excel_text_numbers_and_formulas(collected):
    ws, _ = collected
    ctx = open_work(ws, c.ROUND).round
    typed = values_of(ws, file_row(ws, "kungsholmen", "xlsx").id)
    key = ctx.assignments("kungsholmen")[0].key
    assert (typed[(key, "kostnad_tkr")].raw, typed[(key, "kostnad_tkr")].value_number) == ("12,5", 12.5)
    formula = values_of(ws, file_row(ws, "farsta", "xlsx").id)[
        (ctx.assignments("farsta")[0].key, "kostnad_tkr")
    ]
    assert formula.raw == "=SUM(1,2)" and formula.value_number is None and formula.value_text is None
    assert "formel" in formula.problem


def test_unchanged_template_never_replaces_an_answer(collected):
    ws, _ = collected
    answered, template = rows(ws, ReceivedFileRow.organisation_id == "miljo")
    assert (answered.original_name, answered.is_current, answered.version) == ("miljo svar.docx", True, 1)
    assert (template.original_name, template.is_current, template.version) == ("miljo mall.docx", False, 2)
    status = {
        s.organisation: s for s in operations.status(open_work(ws, c.ROUND, today=dt.date(2016, 4, 21)))
    }
    assert status["exploatering"].status == "incomplete"
    assert status["miljo"].empty == ["Excelfilen har inte kommit in"]


def test_every_accepted_file_has_one_receipt_listing_what_was_read(collected):
    ws, _ = collected
    accepted = rows(ws, ReceivedFileRow.status == "accepted")
    with open_database(ws.database_url).session() as session:
        receipts = {o.key: o for o in session.scalars(select(OutboxRow).where(OutboxRow.kind == "receipt"))}
    assert sorted(receipts) == sorted(f"receipt:{r.sha256}" for r in accepted)
    word = file_row(ws, "bromma", "docx")
    path = ws.round_outbox(c.ROUND, "bromma") / f"kvittens-{word.sha256[:12]}.eml"
    assert receipts[f"receipt:{word.sha256}"].eml_path == str(path)
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    body = message.get_content()
    assert "Brommas svar (slutlig).docx" in message["Subject"]
    assert "registrator.bromma@example.org" in message["To"]
    assert "Filen kom in i tid (sista svarsdag 29 april 2016)." in body
    key = open_work(ws, c.ROUND).round.assignments("bromma")[0].key
    assert f'Kommentar: "bromma svarar på {key}."' in body
    assert "Svar som fortfarande är tomma:" in body and "Pågående arbete (frivilligt)" in body
    assert "Excelfilen har ännu inte kommit in." in body
    farsta = file_row(ws, "farsta", "xlsx")
    formula = email.message_from_bytes(
        (ws.round_outbox(c.ROUND, "farsta") / f"kvittens-{farsta.sha256[:12]}.eml").read_bytes(),
        policy=email.policy.default,
    ).get_content()
    assert "Värden i Excelfilen som behöver rättas:" in formula and "formel" in formula
    assert "Word-svaret har ännu inte kommit in." not in formula  # farsta's Word file came first


def test_a_later_bad_file_changes_nothing_already_accepted(collected, tmp_path):
    ws, _ = collected
    before = [
        (r.id, r.sha256, r.is_current, r.version) for r in rows(ws, ReceivedFileRow.status == "accepted")
    ]
    answers_before = answers_of(ws, file_row(ws, "bromma", "docx").id)
    word = c.fill_word(ws, "bromma", " Andra försöket.")
    custom = "docProps/custom.xml"
    attacks = {
        "trasig.docx": word[: len(word) // 3],
        "makro.docx": c.with_macros(word),
        "omdopt.docx": c.rewrite(
            c.fill_word(ws, "farsta", " F"), {custom: c.replace_bytes(b">farsta<", b">bromma<")}
        ),
    }
    paths = []
    for name, data in attacks.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    pool = IntakePool(IntakeLimits(workers=1))
    try:
        results = collect_paths(open_work(ws, c.ROUND), paths, pool=pool)
    finally:
        pool.close()
    assert [r.outcome for r in results] == ["rejected"] * 3
    after = [
        (r.id, r.sha256, r.is_current, r.version) for r in rows(ws, ReceivedFileRow.status == "accepted")
    ]
    assert after == before
    assert answers_of(ws, file_row(ws, "bromma", "docx").id).keys() == answers_before.keys()


def test_refusal_message_names_file_reason_and_round(collected):
    ws, by_name = collected
    _case, result = by_name["macro-docm-renamed-docx"]
    subject, body = render_refusal("skarpnack.docx", result.reason, open_work(ws, c.ROUND).round.definition)
    assert subject.startswith("Filen kunde inte tas emot: skarpnack.docx")
    assert f"Orsak: {result.reason}" in body
    assert "Kommissionen för ett socialt hållbart Stockholm" in body and "KS 2016/0417" in body
    assert "skicka den igen (sista svarsdag är 29 april 2016)." in body
    assert body.rstrip().endswith("Stadsledningskontoret")
    bare_subject, bare_body = render_refusal("x.docx", "Filen är skadad.")
    assert bare_subject == "Filen kunde inte tas emot: x.docx" and "Orsak: Filen är skadad." in bare_body


def test_quarantine_holds_exactly_the_refused_files(collected):
    ws, _ = collected
    kept = {p.name for p in ws.quarantine.iterdir() if not p.name.endswith(SIDECAR)}
    sidecars = {p.name.removesuffix(SIDECAR) for p in ws.quarantine.iterdir() if p.name.endswith(SIDECAR)}
    refused = rows(ws, ReceivedFileRow.status == "rejected")
    assert kept == sidecars == {Path(r.stored_path).name for r in refused}
    assert all(Path(r.stored_path).name.startswith(r.sha256[:12] + "-") for r in refused)


def test_a_zip_bomb_is_refused_from_its_directory_without_inflating_it():
    bomb = c.zip_bomb(320)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(RejectedFile) as refused:
        read_evidence(bomb, "bomb.docx")
    elapsed = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert refused.value.code == "zip-bomb"
    assert elapsed < 0.5 and peak < 4 * len(bomb), (elapsed, peak)  # 320 MB were never unpacked
