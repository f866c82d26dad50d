"""Bounded time and memory: one pathological file is refused, and the collection goes on.

The files are structurally valid responses (they pass every package check) whose body is
so large that reading it takes seconds and hundreds of megabytes: what a hostile or
broken file costs a parser. Limits are set low here so the tests stay quick.
"""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select
from tests.intake import corpus as c

from remiss.errors import ConfigError
from remiss.services.intake.collect import collect_paths
from remiss.services.intake.pool import IntakeLimits, IntakePool
from remiss.services.work import open_work
from remiss.store.database import open_database
from remiss.store.schema import ReceivedFileRow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    home = tmp_path_factory.mktemp("limits")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REMISS_HOME", str(home))
        yield c.launched(home)


def collect(ws, tmp_path, files: dict[str, bytes], limits: IntakeLimits):
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(tmp_path / name)
    pool = IntakePool(limits)
    try:
        pool.start()
        started = time.monotonic()
        results = collect_paths(open_work(ws, c.ROUND), paths, pool=pool)
        return results, time.monotonic() - started
    finally:
        pool.close()


def test_a_file_that_reads_too_long_is_refused_and_the_next_is_read(workspace, tmp_path):
    # Under the last heading every paragraph is part of an answer: tens of seconds to read unbounded,
    # many times the limit even on an idle machine (at the top of the body the parser alone took ~1 s).
    heavy = c.heavy_docx(c.fill_word(workspace, "bromma"), 400_000, in_answer=True)
    honest = c.fill_word(workspace, "farsta")
    results, elapsed = collect(
        workspace,
        tmp_path,
        {"tung.docx": heavy, "farsta.docx": honest},
        IntakeLimits(workers=1, timeout_s=1.0, memory_mb=2048),
    )
    slow, good = results
    assert (slow.outcome, slow.code) == ("rejected", "parse-timeout")
    assert slow.reason.startswith("tung.docx tog längre tid än 1 sekunder att läsa och avbröts.")
    assert (good.outcome, good.organisation) == ("accepted", "farsta")
    assert elapsed < 8, f"the stalled worker was not stopped in time ({elapsed:.1f} s)"


def test_a_file_that_needs_too_much_memory_is_refused_and_the_next_is_read(workspace, tmp_path):
    heavy = c.heavy_docx(c.fill_word(workspace, "kultur"), 800_000)  # ~35 MB of XML
    honest = c.fill_word(workspace, "idrott")
    results, _elapsed = collect(
        workspace,
        tmp_path,
        {"minne.docx": heavy, "idrott.docx": honest},
        IntakeLimits(workers=1, timeout_s=120.0, memory_mb=300),
    )
    greedy, good = results
    assert (greedy.outcome, greedy.code) == ("rejected", "parse-memory"), greedy.reason
    assert "minne.docx krävde för mycket minne för att läsas (gränsen är 300 MB)" in greedy.reason
    assert (good.outcome, good.organisation) == ("accepted", "idrott")


def test_limits_come_from_the_environment_and_bad_values_say_so(monkeypatch):
    monkeypatch.setenv("REMISS_PARSE_WORKERS", "3")
    monkeypatch.setenv("REMISS_PARSE_TIMEOUT_S", "12.5")
    monkeypatch.setenv("REMISS_PARSE_MEMORY_MB", "700")
    assert IntakeLimits.from_env() == IntakeLimits(workers=3, timeout_s=12.5, memory_mb=700)
    monkeypatch.setenv("REMISS_PARSE_TIMEOUT_S", "snart")
    with pytest.raises(ConfigError, match="REMISS_PARSE_TIMEOUT_S='snart' är inget giltigt värde"):
        IntakeLimits.from_env()


def test_the_configured_size_limit_applies(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_MAX_FILE_MB", "0.5")
    big = c.padded(c.fill_word(workspace, "trafik"), 700_000)
    results, _ = collect(workspace, tmp_path, {"Trafik svar.docx": big}, IntakeLimits(workers=1))
    assert results[0].code == "too-large"
    assert re.match(r"Trafik svar\.docx är \d+(,\d)? MB, större än gränsen 0,5 MB\.", results[0].reason)


def test_versions_are_stored_in_the_order_given_even_when_read_out_of_order(workspace, tmp_path):
    slow_first = c.heavy_docx(c.fill_word(workspace, "miljo", " Första."), 100_000)  # seconds to read
    quick_second = c.fill_word(workspace, "miljo", " Andra.")
    results, _ = collect(
        workspace,
        tmp_path,
        {"miljo v1.docx": slow_first, "miljo v2.docx": quick_second},
        IntakeLimits(workers=2),
    )
    assert [(r.outcome, r.version) for r in results] == [("accepted", 1), ("superseded", 2)]
    with open_database(workspace.database_url).session() as session:
        current = session.scalars(
            select(ReceivedFileRow.original_name).where(
                ReceivedFileRow.organisation_id == "miljo", ReceivedFileRow.is_current
            )
        ).all()
    assert current == ["miljo v2.docx"]
