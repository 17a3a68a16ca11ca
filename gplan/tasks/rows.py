"""A page of a task list read as plain rows: the task's columns, its duty and its body.

A list shows 20 to 200 tasks and changes none of them, so it needs neither the session's
bookkeeping for each task (identity, state, versions) nor eager loads chained per task. One
query reads the page's tasks with their duty's reference and text; the few bodies (and, for
the focal point's cards, the duties' lead and coordinating bodies) are shared objects from
the session. A :class:`TaskRow` answers what the list templates and the API ask a task
(dates, ``deadline``, ``status_on``, ``days_late``) with the same rules as
:class:`gplan.models.Task`.

The task page and the exports still read full tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from gplan.extensions import db
from gplan.models import Body, Responsibility, ResponsibilityBody, Task, TaskEvent
from gplan.models.plan import COORDINATING, LEAD
from gplan.models.task import FINISHED, task_status
from gplan.tasks.vocabulary import TaskProgress, TaskStatus

# The task's own columns a list or the API reads, in this order in every row.
COLUMNS = (
    "id",
    "plan_id",
    "responsibility_id",
    "body_id",
    "occurrence",
    "year",
    "starts_on",
    "ends_on",
    "due_on",
    "extended_due_on",
    "progress",
    "completed_on",
    "completed_at",
    "note",
    "evidence_url",
    "evidence_name",
    "evidence_file",
    "updated_at",
    "version",
    "closed_on",
    "closed_reason",
    "closed_as_duplicate",
)


@dataclass(frozen=True, slots=True)
class DutyRef:
    """What a list shows of a task's duty."""

    id: int
    ref: str
    text: str
    ad_hoc: bool


@dataclass(frozen=True, slots=True)
class DutyCard(DutyRef):
    """What the focal point's cards show of a duty: also its lead and coordinating bodies, in
    the duty's order (as :attr:`Responsibility.leads` and ``.coordinating``)."""

    leads: list[Body]
    coordinating: list[Body]


class TaskRow:
    """One task of a list, read as plain columns (see the module's docstring)."""

    __slots__ = (*COLUMNS, "responsibility", "body", "events")

    id: int
    plan_id: int
    responsibility_id: int
    body_id: int
    occurrence: str
    year: int
    starts_on: date | None
    ends_on: date | None
    due_on: date
    extended_due_on: date | None
    progress: TaskProgress
    completed_on: date | None
    completed_at: datetime | None
    note: str | None
    evidence_url: str | None
    evidence_name: str | None
    evidence_file: str | None
    updated_at: datetime | None
    version: int
    closed_on: date | None
    closed_reason: str | None
    closed_as_duplicate: bool
    responsibility: DutyRef
    body: Body
    events: list[TaskEvent]  # newest first; read only for the drill-down's history

    def __init__(self, values: Sequence[Any], duty: DutyRef, body: Body) -> None:
        # COLUMNS, in its order, spelled out: one unpacking, not a setattr per column and row.
        (
            self.id,
            self.plan_id,
            self.responsibility_id,
            self.body_id,
            self.occurrence,
            self.year,
            self.starts_on,
            self.ends_on,
            self.due_on,
            self.extended_due_on,
            self.progress,
            self.completed_on,
            self.completed_at,
            self.note,
            self.evidence_url,
            self.evidence_name,
            self.evidence_file,
            self.updated_at,
            self.version,
            self.closed_on,
            self.closed_reason,
            self.closed_as_duplicate,
        ) = values[: len(COLUMNS)]
        self.responsibility = duty
        self.body = body
        self.events = []

    @property
    def deadline(self) -> date:
        """As :attr:`Task.deadline`: the extended due date, else the due date."""
        return self.extended_due_on or self.due_on

    @property
    def is_open(self) -> bool:
        return self.progress not in FINISHED

    @property
    def is_closed(self) -> bool:
        return self.progress == TaskProgress.CLOSED

    @property
    def is_window(self) -> bool:
        return self.starts_on is not None

    def status_on(self, today: date) -> TaskStatus:
        return task_status(today, self.progress, self.completed_on, self.closed_on, self.deadline)

    def days_late(self, today: date) -> int:
        return max(0, (today - self.deadline).days)


# Built once: what a list reads besides its rows, for the ids bound as ``ids``.
_BODIES = select(Body).where(Body.id.in_(bindparam("ids", expanding=True)))
_DUTY_LINKS = (
    select(ResponsibilityBody.responsibility_id, ResponsibilityBody.role, ResponsibilityBody.body_id)
    .where(
        ResponsibilityBody.responsibility_id.in_(bindparam("ids", expanding=True)),
        ResponsibilityBody.role.in_((LEAD, COORDINATING)),
    )
    .order_by(ResponsibilityBody.position)
)
_HISTORY = (
    select(TaskEvent)
    .where(TaskEvent.task_id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(TaskEvent.user))
    .order_by(TaskEvent.task_id, TaskEvent.id.desc())
)


def _bodies(ids: set[int]) -> dict[int, Body]:
    """The bodies, from the session when it holds them, else in one query."""
    found: dict[int, Body] = {}
    for body_id in ids:
        body = db.session.identity_map.get(db.session.identity_key(Body, body_id))
        if isinstance(body, Body):
            found[body_id] = body
    missing = ids - found.keys()
    if missing:
        found.update({b.id: b for b in db.session.scalars(_BODIES, {"ids": sorted(missing)})})
    return found


def _duty_links(ids: set[int]) -> list[tuple[int, str, int]]:
    """(duty, role, body) of the duties' lead and coordinating bodies, in each duty's order (as
    :attr:`Responsibility.leads` and ``.coordinating``), for the focal point's cards."""
    return list(db.session.connection().execute(_DUTY_LINKS, {"ids": sorted(ids)}).tuples())


def _attach_history(rows: list[TaskRow]) -> None:
    """Every row's history, newest first, with who made each change (one query)."""
    by_task = {row.id: row for row in rows}
    for event in db.session.scalars(_HISTORY, {"ids": list(by_task)}):
        by_task[event.task_id].events.append(event)


def rows_statement(ids: Any, ordering: list[Any], section: Any = None) -> Select[Any]:
    """The statement reading the tasks whose ids ``ids`` selects, in ``ordering``, as
    :func:`task_rows` reads them; with ``section`` (an SQL expression), each with its section."""
    duty_columns = (Responsibility.ref, Responsibility.text, Responsibility.ad_hoc)
    extra = [section] if section is not None else []
    return (
        select(*(getattr(Task, name) for name in COLUMNS), *duty_columns, *extra)
        .join(Responsibility, Responsibility.id == Task.responsibility_id)
        .where(Task.id.in_(ids))
        .order_by(*ordering)
    )


def task_rows(
    statement: Select[Any],
    params: dict[str, Any],
    *,
    sectioned: bool = False,
    with_duty_bodies: bool = False,
    with_history: bool = False,
) -> list[Any]:
    """The tasks :func:`rows_statement` reads, run with ``params``, as :class:`TaskRow`; when
    ``sectioned``, as (row, section) pairs. ``with_duty_bodies`` adds the duties' lead and
    coordinating bodies, ``with_history`` every row's history."""
    # On the session's connection: plain rows, without the ORM's result machinery.
    found = db.session.connection().execute(statement, params).all()
    width = len(COLUMNS)
    links = _duty_links({row[2] for row in found}) if with_duty_bodies and found else []
    bodies = _bodies({row[3] for row in found} | {body_id for _duty, _role, body_id in links})
    cards: dict[int, dict[str, list[Body]]] = {}
    for duty_id, role, body_id in links:
        cards.setdefault(duty_id, {LEAD: [], COORDINATING: []})[role].append(bodies[body_id])
    duties: dict[int, DutyRef] = {}
    result: list[Any] = []
    for row in found:
        duty = duties.get(row[2])
        if duty is None:
            named = row[2], row[width], row[width + 1], row[width + 2]
            roles = cards.get(row[2], {LEAD: [], COORDINATING: []})
            duty = DutyCard(*named, roles[LEAD], roles[COORDINATING]) if with_duty_bodies else DutyRef(*named)
            duties[row[2]] = duty
        task = TaskRow(row, duty, bodies[row[3]])
        result.append((task, row[width + 3]) if sectioned else task)
    if with_history and result:
        _attach_history([item[0] if sectioned else item for item in result])
    return result
