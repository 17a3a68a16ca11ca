"""The reporting chain of a plan file: who reports to whom, and in what order.

A report duty names whom it reports to (``reports_to``: a body's key, or ``issuer`` for the
authority that issued the plan). A body's own report duties are compilations of the reports
sent to it, so each of them must fall after those inputs: a half-year compilation after the
half-year inputs, a yearly one after the yearly inputs, the Action Month report after the Action
Month reports sent to it, and a review of the whole period after every input of its year. What a
report covers comes from its due day (``covers``); a day given as "MM-DD" covers the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext

from gplan.plans.file_messages import Problem
from gplan.plans.schedule import occurrences, parse_mmdd
from gplan.plans.schema import ISSUER, PlanFile, ResponsibilityDef

PERIOD = "period"
YEAR = "year"


@dataclass(frozen=True)
class Report:
    """One dated report of a duty: the plan year it belongs to and what it covers."""

    ref: str
    year: int
    due_on: date
    covers: str


def _day_name(item: ResponsibilityDef, key: str) -> str:
    schedule = item.schedule
    if schedule.kind == "periodic":
        return key.split(":", 1)[1]
    if schedule.kind == "window":
        return schedule.report_due or schedule.end or ""
    return schedule.due or ""


def reports(plan_file: PlanFile, item: ResponsibilityDef) -> list[Report]:
    """The dated reports of a report duty over the file's own period, at the default due days."""
    days = {name: day.default for name, day in plan_file.due_days.items()}
    period = plan_file.plan.period
    result = []
    for occurrence in occurrences(item.schedule.as_rule(), period.start, period.end, days):
        name = _day_name(item, occurrence.key)
        day = plan_file.due_days.get(name)
        covers = (day.covers if day else None) or YEAR
        result.append(Report(item.ref, occurrence.year, occurrence.due_on, covers))
    return result


def inputs_of(plan_file: PlanFile, compilation: ResponsibilityDef) -> list[ResponsibilityDef]:
    """The report duties whose reports go to a body that ``compilation`` is assigned to."""
    if not compilation.reports_to:
        return []
    receivers = set(compilation.assignees)
    return [
        item
        for item in plan_file.responsibilities
        if item is not compilation and item.reports_to and item.reports_to in receivers
    ]


def _feeds(source: Report, target: Report) -> bool:
    return source.year == target.year and (target.covers == PERIOD or source.covers == target.covers)


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _to_date_problems(plan_file: PlanFile) -> list[Problem]:
    """A report due before the period it covers has ended must say the day its figures run to."""
    problems = []
    ends = {YEAR: (12, 31), "half_year": (6, 30)}
    for name, day in plan_file.due_days.items():
        if day.covers not in ends or day.as_of:
            continue
        if parse_mmdd(day.default) < ends[day.covers]:
            message = gettext(
                "a report due before the period it covers has ended must give 'as_of', "
                "the day its figures run to"
            )
            problems.append(Problem(f"due_days › {name}", message))
    return problems


def check_chain(plan_file: PlanFile) -> list[Problem]:
    """Every fault of the reporting chain: unknown recipients, and compilations that fall on or
    before a report they compile (naming both)."""
    problems: list[Problem] = []
    known = {b.key for b in plan_file.bodies} | {m.key for b in plan_file.bodies for m in b.members}
    for item in plan_file.responsibilities:
        if item.reports_to and item.reports_to != ISSUER and item.reports_to not in known:
            where = f"responsibilities ({item.ref}) › reports_to"
            problems.append(Problem(where, gettext("unknown body '%(key)s'", key=item.reports_to)))
    if problems:
        return problems
    problems += _to_date_problems(plan_file)
    dated = {item.ref: reports(plan_file, item) for item in plan_file.responsibilities if item.reports_to}
    for compilation in plan_file.responsibilities:
        for source in inputs_of(plan_file, compilation):
            late = next(
                (
                    (given, compiled)
                    for compiled in dated[compilation.ref]
                    for given in dated[source.ref]
                    if _feeds(given, compiled) and given.due_on >= compiled.due_on
                ),
                None,
            )
            if late:
                given, compiled = late
                message = gettext(
                    "the compilation %(ref)s (due %(due)s) must come after the report it compiles, "
                    "%(input)s (due %(input_due)s)",
                    ref=compilation.ref,
                    due=_dmy(compiled.due_on),
                    input=source.ref,
                    input_due=_dmy(given.due_on),
                )
                problems.append(Problem(f"responsibilities ({compilation.ref}) › schedule", message))
    return problems
