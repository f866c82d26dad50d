"""The line under the status table (and in the tracking workbook and the demo): a missing
organisation is counted as missing, never also as late (issue 14, item 10: the demo said
"12 sena" when 2 files came late)."""

from __future__ import annotations

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
