"""remiss's values as JSON and back: what `remiss serve` hands a command is what the flow returned."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from remiss import wire
from remiss.domain.outcomes import Outcome
from remiss.services.intake.received import CollectResult
from remiss.services.outbox import DispatchReport


@dataclass(frozen=True)
class Elsewhere:  # a dataclass outside remiss: a message may not name it
    value: int


def _round_trip(value: object) -> object:
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


def test_results_come_back_as_the_same_dataclasses_enums_dates_and_paths():
    results = [
        CollectResult("svar.docx", Outcome.ACCEPTED, "bromma", warnings=["a"], identified_by="egenskaper"),
        CollectResult("x.pdf", Outcome.REJECTED, reason="Fel.", code="not-zip"),
    ]
    assert _round_trip(results) == results
    assert _round_trip(results)[1].outcome is Outcome.REJECTED
    report = DispatchReport(sent=["k1"], failed={"k2": "nere"}, waiting={"k3": "väntar"})
    assert _round_trip(report) == report
    nested = {"day": dt.date(2016, 5, 2), "at": dt.datetime(2016, 5, 2, 8, tzinfo=dt.UTC), "p": Path("/a b")}
    assert _round_trip(nested) == nested


def test_only_remiss_classes_are_built():
    with pytest.raises(ValueError, match="not a class of remiss"):
        wire.decode({"__remiss__": "os:system", "value": "true"})
    with pytest.raises(ValueError):
        wire.decode(json.loads(json.dumps(wire.encode(Elsewhere(1)))))
    with pytest.raises(ValueError, match="no dataclass or enum"):
        wire.decode({"__remiss__": "remiss.services.operations:chase"})
