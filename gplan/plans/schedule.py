"""Turn a responsibility's schedule rule into dated occurrences within a plan period."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dateutil.rrule import YEARLY, rrule

MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
SCHEDULE_KINDS = ("yearly", "window", "once", "periodic")


@dataclass(frozen=True)
class Occurrence:
    key: str
    year: int
    due_on: date
    starts_on: date | None = None
    ends_on: date | None = None


def parse_mmdd(text: str) -> tuple[int, int]:
    """Validate a "MM-DD" day that exists in every year (so not 29 February)."""
    if not MMDD.match(text):
        raise ValueError(f"'{text}' is not a day written as MM-DD")
    month, day = (int(part) for part in text.split("-"))
    date(2001, month, day)  # raises for 02-30, 04-31 …
    return month, day


def _yearly(mmdd: str, first_year: int, last_year: int) -> list[date]:
    month, day = parse_mmdd(mmdd)
    rule = rrule(
        YEARLY,
        bymonth=month,
        bymonthday=day,
        dtstart=datetime(first_year, 1, 1),
        until=datetime(last_year, 12, 31),
    )
    return [moment.date() for moment in rule]


def _on_or_after(mmdd: str, year: int, earliest: date) -> date:
    month, day = parse_mmdd(mmdd)
    candidate = date(year, month, day)
    return candidate if candidate >= earliest else date(year + 1, month, day)


def occurrences(
    schedule: dict[str, Any], period_start: int, period_end: int, due_days: dict[str, str]
) -> list[Occurrence]:
    """Every dated occurrence of ``schedule`` in the period, earliest first.

    ``due_days`` maps due-day names (e.g. ``annual_report``) to "MM-DD"; a schedule may name
    one of them or give "MM-DD" itself.
    """

    def day(ref: str) -> str:
        return due_days.get(ref, ref)

    kind = schedule["kind"]
    if kind == "yearly":
        offset = schedule.get("year_offset", 0)
        dues = _yearly(day(schedule["due"]), period_start + offset, period_end + offset)
        return [Occurrence(str(due.year - offset), due.year - offset, due) for due in dues]
    if kind == "window":
        result = []
        for start in _yearly(day(schedule["start"]), period_start, period_end):
            end = _on_or_after(day(schedule["end"]), start.year, start)
            due = (
                _on_or_after(day(schedule["report_due"]), start.year, end)
                if schedule.get("report_due")
                else end
            )
            result.append(Occurrence(str(start.year), start.year, due, start, end))
        return result
    if kind == "once":
        year = period_end if schedule["year"] == "last" else period_start + int(schedule["year"]) - 1
        month, dom = parse_mmdd(day(schedule["due"]))
        return [Occurrence(str(year), year, date(year, month, dom))]
    if kind == "periodic":
        result = [
            Occurrence(f"{due.year}:{name}", due.year, due)
            for name in schedule["dues"]
            for due in _yearly(day(name), period_start, period_end)
        ]
        return sorted(result, key=lambda occurrence: occurrence.due_on)
    if kind == "date":
        # An ad-hoc task: one due date the coordinator chose (never written in plan files).
        due = date.fromisoformat(schedule["due_on"])
        return [Occurrence(str(due.year), due.year, due)]
    raise ValueError(f"unknown schedule kind '{kind}'")
