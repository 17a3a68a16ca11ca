"""The annual summary report: per body what was done (notes, evidence), what is late, and the
targets' figures for the year — compiled from the database, never by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gplan.extensions import db
from gplan.models import Body, Plan, TargetActual, Task
from gplan.reporting import targets as target_data
from gplan.reporting.overview import Overview, overview
from gplan.reporting.status_counts import StatusCounts
from gplan.tasks.vocabulary import TaskStatus


@dataclass
class BodySection:
    body: Body
    counts: StatusCounts
    done: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)
    # Closed when its body was retired, already overdue: late and never done, for good.
    closed_late: list[Task] = field(default_factory=list)


@dataclass
class TargetLine:
    row: target_data.TargetRow
    assessment: target_data.Assessment  # judged on the figures up to the report's year
    previous: object = None  # the year before's actual, for comparison


@dataclass
class AnnualReport:
    plan: Plan
    year: int
    today: date
    overview: Overview
    sections: list[BodySection]
    targets: list[TargetLine]

    @property
    def done_late(self) -> int:
        return self.overview.total.count(TaskStatus.DONE_LATE)

    def actual(self, line: TargetLine) -> TargetActual | None:
        return line.row.actuals.get(self.year)


def default_year(plan: Plan, today: date) -> int:
    """The year a report is most likely wanted for: the current one within the period."""
    return min(max(today.year, plan.period_start), plan.period_end)


def annual_report(plan: Plan, year: int, today: date) -> AnnualReport:
    """Everything the report shows for ``year``, from a fixed number of queries."""
    by_body = overview(plan, today, year)
    tasks = db.session.scalars(
        select(Task)
        .where(Task.plan_id == plan.id, Task.year == year)
        .options(selectinload(Task.responsibility))
        .order_by(Task.due_on, Task.id)
    )
    sections = {row.body.id: BodySection(row.body, row.counts) for row in by_body.rows if row.counts.total}
    for task in tasks:
        section = sections.get(task.body_id)
        status = task.status_on(today)
        if section is None:
            continue
        if status.is_done:
            section.done.append(task)
        elif status == TaskStatus.OVERDUE:
            section.overdue.append(task)
        elif status == TaskStatus.CLOSED_LATE:
            section.closed_late.append(task)
    for section in sections.values():
        section.done.sort(key=lambda t: (t.completed_on or t.due_on, t.id))
    return AnnualReport(plan, year, today, by_body, list(sections.values()), target_lines(plan, year))


def target_lines(plan: Plan, year: int, owner_body_id: int | None = None) -> list[TargetLine]:
    """Every target value (or those ``owner_body_id`` reports) judged on its figures up to
    ``year``: what the annual, the body's and the province's reports show."""
    lines = []
    for row in target_data.target_rows(plan, owner_body_id):
        upto = {y: a for y, a in row.actuals.items() if y <= year}
        assessment = target_data.assess(row.value, upto, (plan.period_start, plan.period_end))
        lines.append(TargetLine(row, assessment, row.actuals.get(year - 1)))
    return lines
