"""The line under the status table (and in the tracking workbook and the demo): a missing
organisation is counted as missing, never also as late (issue 14, item 10: the demo said
"12 sena" when 2 files came late)."""

from __future__ import annotations

from remiss.documents.annex import sections
from remiss.documents.model import AppendixRow
from remiss.domain import Group
from remiss.domain.outcomes import AnswerStatus
from remiss.services.status import OrganisationStatus, count_line, summary_line


def status(org: str, state: AnswerStatus, late: bool, received: str | None) -> OrganisationStatus:
    return OrganisationStatus(org, org.title(), Group.STADSDEL, state, late, received=received)


ROWS = [
    *(status(f"saknas{i}", AnswerStatus.MISSING, False, None) for i in range(10)),  # missing is never late
    status("sen", AnswerStatus.COMPLETE, True, "2016-05-02T09:00"),
    status("sen2", AnswerStatus.INCOMPLETE, True, "2016-05-03T09:00"),
    status("itid", AnswerStatus.COMPLETE, False, "2016-04-20T09:00"),
]


def test_late_counts_only_files_that_came_late() -> None:
    expected = "2 kompletta, 1 ofullständig, 10 saknas av 13; 2 kom in efter sista svarsdag."
    assert summary_line(ROWS) == expected


def test_the_same_line_ends_the_status_table_and_the_tracking_workbook() -> None:
    assert count_line(ROWS) == summary_line(ROWS).rstrip(".")


def test_none_late_reads_ingen_in_the_status_line_and_the_annex() -> None:
    on_time = [r for r in ROWS if not r.late]
    ending = "; ingen kom in efter sista svarsdag."
    assert summary_line(on_time) == "1 komplett, 0 ofullständiga, 10 saknas av 11" + ending
    appendix = [
        AppendixRow("Bromma", AnswerStatus.COMPLETE, "2016-04-20"),
        AppendixRow("Farsta", AnswerStatus.MISSING),
    ]
    assert sections.summary_line(appendix) == "1 komplett, 0 ofullständiga, 1 saknas av 2" + ending
    appendix.append(AppendixRow("Kista", AnswerStatus.INCOMPLETE, "2016-05-02", late=True))
    assert sections.summary_line(appendix).endswith("av 3; 1 kom in efter sista svarsdag.")
