"""Schedule rules become dated occurrences within a period."""

from datetime import date

import pytest

from gplan.plans.schedule import Occurrence, occurrences, parse_mmdd

DAYS = {"annual_report": "12-10", "half_year_report": "06-15", "report_after": "01-10"}


def test_yearly_with_offset():
    found = occurrences({"kind": "yearly", "due": "12-20", "year_offset": -1}, 2016, 2018, DAYS)
    assert [(o.key, o.year, o.due_on) for o in found] == [
        ("2016", 2016, date(2015, 12, 20)),
        ("2017", 2017, date(2016, 12, 20)),
        ("2018", 2018, date(2017, 12, 20)),
    ]


def test_yearly_due_in_the_year_after():
    """The report on year Y, due early in Y+1: it belongs to year Y."""
    found = occurrences({"kind": "yearly", "due": "report_after", "year_offset": 1}, 2016, 2018, DAYS)
    assert [(o.key, o.year, o.due_on) for o in found] == [
        ("2016", 2016, date(2017, 1, 10)),
        ("2017", 2017, date(2018, 1, 10)),
        ("2018", 2018, date(2019, 1, 10)),
    ]


def test_yearly_on_new_years_day():
    found = occurrences({"kind": "yearly", "due": "01-01"}, 2016, 2018, DAYS)
    assert [o.due_on for o in found] == [date(2016, 1, 1), date(2017, 1, 1), date(2018, 1, 1)]


def test_window_without_a_report_is_due_when_it_ends():
    [first, *_] = occurrences({"kind": "window", "start": "11-15", "end": "12-15"}, 2016, 2020, DAYS)
    assert (first.key, first.starts_on, first.ends_on, first.due_on) == (
        "2016",
        date(2016, 11, 15),
        date(2016, 12, 15),
        date(2016, 12, 15),
    )


def test_window_reported_on_its_last_day():
    [first, *_] = occurrences(
        {"kind": "window", "start": "11-15", "end": "12-15", "report_due": "12-15"}, 2016, 2020, DAYS
    )
    assert first.due_on == date(2016, 12, 15)


def test_an_ad_hoc_date_is_one_occurrence_in_its_year():
    assert occurrences({"kind": "date", "due_on": "2018-05-05"}, 2016, 2020, DAYS) == [
        Occurrence("2018", 2018, date(2018, 5, 5))
    ]


def test_an_unknown_kind_is_named():
    with pytest.raises(ValueError, match="unknown schedule kind 'weekly'"):
        occurrences({"kind": "weekly"}, 2016, 2020, DAYS)


def test_window_whose_report_falls_in_the_next_year():
    [first, *_] = occurrences(
        {"kind": "window", "start": "11-15", "end": "12-15", "report_due": "report_after"}, 2016, 2020, DAYS
    )
    assert (first.starts_on, first.ends_on, first.due_on) == (
        date(2016, 11, 15),
        date(2016, 12, 15),
        date(2017, 1, 10),
    )


def test_once_in_a_year_of_the_period_and_last():
    assert occurrences({"kind": "once", "year": 3, "due": "09-30"}, 2026, 2030, DAYS)[0].due_on == date(
        2028, 9, 30
    )
    assert occurrences({"kind": "once", "year": "last", "due": "11-30"}, 2026, 2030, DAYS)[0].due_on == date(
        2030, 11, 30
    )


def test_periodic_reports_are_in_date_order():
    found = occurrences({"kind": "periodic", "dues": ["annual_report", "half_year_report"]}, 2016, 2017, DAYS)
    assert [o.key for o in found] == [
        "2016:half_year_report",
        "2016:annual_report",
        "2017:half_year_report",
        "2017:annual_report",
    ]


@pytest.mark.parametrize("bad", ["02-29", "13-01", "1-5", "04-31"])
def test_days_that_are_not_in_every_year_are_refused(bad):
    with pytest.raises(ValueError):
        parse_mmdd(bad)


@pytest.mark.parametrize("day", ["01-01", "02-28", "12-31"])
def test_days_in_every_year_are_read(day):
    assert parse_mmdd(day) == (int(day[:2]), int(day[3:]))
