"""The body's report for a year: assembled from its tasks and figures, with a narrative per
objective it has duties under; saved and submitted as a whole by one of its focal points. A
coordinator's decisions on it are in ``report_decisions``.

Every step checks the version the caller read (:class:`ReportConflict`, 409) and is audited in
the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from gplan.accounts.access import can_write_body_report, require
from gplan.extensions import db
from gplan.models import Body, BodyReport, Objective, Plan, Responsibility, Task, User
from gplan.ops import audit
from gplan.reporting.annual_report import TargetLine, target_lines
from gplan.reporting.body_year import progress_by_body
from gplan.reporting.status_counts import StatusCounts
from gplan.reporting.vocabulary import BodyReportStatus
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import utcnow
from gplan.validation import Conflict, InputError

NARRATIVE_MAX = 8000
OTHER = "other"  # the narrative key of the tasks under no objective


class ReportConflict(Conflict):
    """The report changed since the caller read it, or is not in a state that allows the step
    (e.g. deciding twice, or writing on an accepted report). ``message`` says which."""


@dataclass
class TaskEntry:
    """One task as the report shows it: its status and what the body recorded on it.

    Read from the task itself today; when task-level submissions are reviewed, this is the
    one place to read the accepted submission's note, evidence and date instead.
    """

    task: Task
    status: TaskStatus
    note: str | None
    evidence_url: str | None
    evidence_name: str | None
    done_on: date | None


@dataclass
class ObjectiveSection:
    objective: Objective | None  # None: the body's tasks under no objective (e.g. ad-hoc work)
    entries: list[TaskEntry] = field(default_factory=list)
    narrative: str = ""

    @property
    def key(self) -> str:
        """Where its narrative is kept: the objective's ref, or "other"."""
        return self.objective.ref if self.objective else OTHER


@dataclass
class BodyYearReport:
    """Everything the body's report page, the API and the province's report read."""

    plan: Plan
    body: Body
    year: int
    record: BodyReport | None
    counts: StatusCounts
    sections: list[ObjectiveSection]
    targets: list[TargetLine]

    @property
    def status(self) -> BodyReportStatus:
        return self.record.status if self.record else BodyReportStatus.DRAFT

    @property
    def version(self) -> int:
        """What a writer sends back: 0 while nothing was saved."""
        return self.record.version if self.record else 0

    @property
    def objectives(self) -> list[ObjectiveSection]:
        """The sections that take a narrative: one per objective, and one for the tasks under
        none (so a body whose duties name no objective still writes one)."""
        return self.sections


def find(plan: Plan, body: Body, year: int) -> BodyReport | None:
    return db.session.scalar(select(BodyReport).filter_by(plan_id=plan.id, body_id=body.id, year=year))


def reports_of(plan: Plan, year: int) -> dict[int, BodyReport]:
    """The bodies' reports for ``year``, by body id."""
    query = select(BodyReport).filter_by(plan_id=plan.id, year=year).options(selectinload(BodyReport.body))
    return {r.body_id: r for r in db.session.scalars(query)}


def task_entries(tasks: list[Task], today: date) -> list[TaskEntry]:
    return [
        TaskEntry(t, t.status_on(today), t.note, t.evidence_url, t.evidence_name, t.completed_on)
        for t in tasks
    ]


def assemble(plan: Plan, body: Body, year: int, today: date) -> BodyYearReport:
    """The body's report for ``year``: its tasks by objective (a task under several objectives
    is shown under the first), its counts and the figures of the targets it reports."""
    tasks = list(
        db.session.scalars(
            select(Task)
            .where(Task.plan_id == plan.id, Task.body_id == body.id, Task.year == year)
            .options(selectinload(Task.responsibility).selectinload(Responsibility.objectives))
            .order_by(Task.due_on, Task.id)
        )
    )
    record = find(plan, body, year)
    narratives = record.narratives if record else {}
    sections: dict[int | None, ObjectiveSection] = {}
    by_objective: dict[int | None, list[Task]] = {}
    for task in tasks:
        objectives = sorted(task.responsibility.objectives, key=lambda o: o.number)
        objective = objectives[0] if objectives else None
        if objective is not None and objective.id not in sections:
            sections[objective.id] = ObjectiveSection(objective, narrative=narratives.get(objective.ref, ""))
        by_objective.setdefault(objective.id if objective else None, []).append(task)
    if None in by_objective:
        sections[None] = ObjectiveSection(None, narrative=narratives.get(OTHER, ""))
    for key, section in sections.items():
        section.entries = task_entries(by_objective[key], today)
    ordered = sorted(sections.values(), key=lambda s: s.objective.number if s.objective else 10**6)
    rows, _total = progress_by_body(plan, today, year, {body.id})
    counts = rows[0].counts if rows else StatusCounts()
    return BodyYearReport(plan, body, year, record, counts, ordered, target_lines(plan, year, body.id))


def described(report: BodyReport) -> str:
    """The report as the audit log names it: its body and year."""
    return f"{report.body.name} · {report.year}"


def check_version(report: BodyReport | None, expected_version: int | None) -> None:
    current = report.version if report else 0
    if expected_version is not None and expected_version != current:
        raise ReportConflict(gettext("The report was changed since you opened it: open it again."))


def _clean_narratives(assembled: BodyYearReport, narratives: Mapping[str, str | None]) -> dict[str, str]:
    known = {s.key for s in assembled.objectives}
    unknown = sorted(set(narratives) - known)
    if unknown:
        raise InputError(gettext("No objective %(ref)s in this report.", ref=unknown[0]), "narratives")
    cleaned = {ref: (text or "").strip() for ref, text in narratives.items()}
    too_long = {
        f"narrative-{ref}": gettext("At most %(n)d characters.", n=NARRATIVE_MAX)
        for ref, text in cleaned.items()
        if len(text) > NARRATIVE_MAX
    }
    if too_long:
        raise InputError(gettext("A narrative is too long."), fields=too_long)
    return cleaned


def save(
    user: User,
    assembled: BodyYearReport,
    narratives: Mapping[str, str | None],
    expected_version: int | None,
    *,
    submit: bool = False,
) -> BodyReport:
    """Save the narratives the body's focal point typed (those not given stay as they were);
    with ``submit``, also hand the report in as a whole, which needs a narrative for every
    objective. Refused with :class:`ReportConflict` once submitted or accepted. The caller
    commits."""
    require(can_write_body_report(user, assembled.body))
    record = assembled.record
    check_version(record, expected_version)
    if not assembled.status.editable:
        raise ReportConflict(
            gettext("This report is %(status)s: it can no longer be changed.", status=assembled.status.title)
        )
    cleaned = _clean_narratives(assembled, narratives)
    if record is None:
        record = BodyReport(plan_id=assembled.plan.id, body_id=assembled.body.id, year=assembled.year)
        record.plan, record.body = assembled.plan, assembled.body
        try:
            with db.session.begin_nested():  # two first saves at once: one wins, the other is told
                db.session.add(record)
        except IntegrityError:
            raise ReportConflict(
                gettext("The report was changed since you opened it: open it again.")
            ) from None
    merged = {**(record.narratives or {}), **cleaned}
    if submit:
        missing = {
            f"narrative-{s.key}": gettext("Write what the body did towards this objective.")
            for s in assembled.objectives
            if not merged.get(s.key)
        }
        if not assembled.sections:
            raise InputError(
                gettext("The body has no tasks in %(year)d: there is nothing to report.", year=assembled.year)
            )
        if missing:
            raise InputError(
                gettext("Every objective needs its narrative before the report is submitted."), fields=missing
            )
    record.narratives = {ref: text for ref, text in merged.items() if text}
    now = utcnow()
    record.updated_at = now
    action = audit.BODY_REPORT_SAVED
    if submit:
        action = audit.BODY_REPORT_SUBMITTED
        record.status = BodyReportStatus.SUBMITTED
        record.submitted_at, record.submitted_by_id = now, user.id
    audit.record(
        action, actor=user, subject=record, summary=described(record), details={"status": record.status}
    )
    db.session.flush()
    for section in assembled.sections:
        section.narrative = record.narratives.get(section.key, "")
    assembled.record = record
    return record
