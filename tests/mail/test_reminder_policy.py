"""The Swedish working-day calendar and the reminder policy as dates, checked against dates by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.mail.support import write_round
from typer.testing import CliRunner

from remiss.cli import app
from remiss.domain import calendar, schedule
from remiss.domain.round import ReminderPolicy
from remiss.errors import ConfigError

D = dt.date


def test_swedish_days_off_come_from_the_holidays_package():
    assert calendar.holiday_name(D(2016, 5, 5)) == "Kristi himmelsfärdsdag"
    assert not calendar.is_working_day(D(2016, 6, 24))  # midsommarafton: de facto a holiday
    assert not calendar.is_working_day(D(2016, 12, 24)) and not calendar.is_working_day(D(2016, 12, 31))
    assert calendar.is_working_day(D(2016, 5, 6))  # klämdag: a working day
    assert calendar.non_working_reason(D(2016, 5, 7)) == "en lördag"
    assert calendar.working_days_between(D(2016, 5, 2), D(2016, 5, 13)) == 8  # 5 May is off
    assert calendar.shift_working_days(D(2016, 5, 13), -7) == D(2016, 5, 3)


def test_slots_skip_weekends_and_holidays():
    policy = ReminderPolicy(before=[7, 2], on_deadline=True, after_every=3)
    days = [(s.day, s.label) for s in schedule.slots(policy, D(2016, 5, 13), until=D(2016, 5, 31))]
    assert days == [
        (D(2016, 5, 3), "7 arbetsdagar före sista svarsdag"),  # Ascension Day (5 May) is skipped
        (D(2016, 5, 11), "2 arbetsdagar före sista svarsdag"),
        (D(2016, 5, 13), "sista svarsdag"),
        (D(2016, 5, 18), "3 arbetsdagar efter sista svarsdag"),
        (D(2016, 5, 23), "6 arbetsdagar efter sista svarsdag"),
        (D(2016, 5, 26), "9 arbetsdagar efter sista svarsdag"),
        (D(2016, 5, 31), "12 arbetsdagar efter sista svarsdag"),
    ]


def test_deadline_on_a_holiday_is_reminded_the_working_day_before():
    policy = ReminderPolicy(before=[1], on_deadline=True, after_every=None)
    slots = schedule.slots(policy, D(2016, 6, 24), until=D(2016, 7, 31))  # midsommarafton
    assert [(s.day, s.kind) for s in slots] == [(D(2016, 6, 23), "deadline")]


def test_due_slot_is_the_latest_one_today_or_before_and_never_before_launch():
    policy = ReminderPolicy(before=[7, 2], on_deadline=True, after_every=3)
    deadline = D(2016, 5, 13)
    assert schedule.due_slot(policy, deadline, D(2016, 5, 2)) is None
    assert schedule.due_slot(policy, deadline, D(2016, 5, 3)).day == D(2016, 5, 3)
    assert schedule.due_slot(policy, deadline, D(2016, 5, 10)).day == D(2016, 5, 3)  # caught up, same key
    assert schedule.due_slot(policy, deadline, D(2016, 5, 14)).day == D(2016, 5, 13)  # a Saturday
    assert schedule.due_slot(policy, deadline, D(2016, 5, 10), not_before=D(2016, 5, 4)) is None


def test_policy_errors_are_swedish_with_line_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path))
    policy = {"after_every": 0, "at": "8 på morgonen"}
    path = write_round(tmp_path, "fel-2016", D(2016, 5, 13), ["kultur"], policy)
    result = CliRunner().invoke(app, ["round", "create", str(path)])
    assert isinstance(result.exception, ConfigError)
    lines = str(result.exception).splitlines()
    assert lines == [
        "fel-2016.yaml rad 24: fältet 'reminders.after_every': '0' är för litet (minst 1)",
        "fel-2016.yaml rad 25: fältet 'reminders.at': '8 på morgonen' ska vara ett klockslag som \"08:00\"",
    ]


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (D(2016, 5, 5), "Sista svarsdag 2016-05-05 är Kristi himmelsfärdsdag, inte en arbetsdag."),
        (D(2016, 5, 7), "Sista svarsdag 2016-05-07 är en lördag, inte en arbetsdag."),
    ],
)
def test_round_create_reports_a_deadline_on_a_day_off(tmp_path, monkeypatch, deadline, expected):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path))
    path = write_round(tmp_path, "helg-2016", deadline, ["kultur"], {})
    result = CliRunner().invoke(app, ["round", "create", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "helg-2016"
    assert expected in " ".join(result.stderr.split())


def test_round_create_is_silent_about_a_working_deadline_ahead(tmp_path, monkeypatch):
    monkeypatch.setenv("REMISS_HOME", str(tmp_path))
    ahead = calendar.shift_working_days(
        calendar.stockholm_today() + dt.timedelta(days=60), 0
    )  # no past-date warning either
    path = write_round(tmp_path, "vardag-2016", ahead, ["kultur"], {})
    result = CliRunner().invoke(app, ["round", "create", str(path)])
    assert result.exit_code == 0 and result.stderr == ""
