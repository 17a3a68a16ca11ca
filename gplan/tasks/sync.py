"""Keep a plan's dated tasks in step with its responsibilities, schedules and bodies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from gplan.extensions import db
from gplan.models import Plan, Responsibility, Task, TaskEvent
from gplan.plans.schedule import occurrences
from gplan.tasks.vocabulary import TaskProgress


@dataclass
class TaskSyncResult:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_with_progress: int = 0

    @property
    def unchanged(self) -> bool:
        return not (self.created or self.updated or self.removed)


def due_day_dates(plan: Plan) -> dict[str, str]:
    return {name: day["date"] for name, day in (plan.due_days or {}).items()}


def sync_tasks(plan: Plan) -> TaskSyncResult:
    """Create the missing tasks of ``plan`` (responsibility × body × occurrence), re-date the
    open ones, and remove only untouched tasks whose occurrence no longer exists.

    A done task keeps the dates it was done against: on time is judged by the due date the
    body worked to, not by one set afterwards. Tasks with recorded progress or history are
    never removed. The caller commits.
    """
    result = TaskSyncResult()
    existing = {
        (t.responsibility_id, t.body_id, t.occurrence): t
        for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id))
    }
    with_history = set(
        db.session.scalars(select(TaskEvent.task_id).join(Task).where(Task.plan_id == plan.id).distinct())
    )
    days = due_day_dates(plan)
    wanted = set()
    responsibilities = db.session.scalars(select(Responsibility).where(Responsibility.plan_id == plan.id))
    for responsibility in responsibilities:
        dated = occurrences(responsibility.schedule, plan.period_start, plan.period_end, days)
        # A retired body gets no new tasks; those it has stay (done) or were moved or closed.
        holders = {
            h.id: h for b in responsibility.assignees for h in b.task_holders() if h.retired_on is None
        }
        for body_id in holders:
            for occ in dated:
                key = (responsibility.id, body_id, occ.key)
                wanted.add(key)
                task = existing.get(key)
                if task is None:
                    db.session.add(
                        Task(
                            plan_id=plan.id,
                            responsibility_id=responsibility.id,
                            body_id=body_id,
                            occurrence=occ.key,
                            year=occ.year,
                            due_on=occ.due_on,
                            starts_on=occ.starts_on,
                            ends_on=occ.ends_on,
                            progress=TaskProgress.NOT_STARTED,
                        )
                    )
                    result.created += 1
                elif task.is_open and (task.year, task.due_on, task.starts_on, task.ends_on) != (
                    occ.year,
                    occ.due_on,
                    occ.starts_on,
                    occ.ends_on,
                ):
                    task.year, task.due_on, task.starts_on, task.ends_on = (
                        occ.year,
                        occ.due_on,
                        occ.starts_on,
                        occ.ends_on,
                    )
                    result.updated += 1
    for key, task in existing.items():
        if key in wanted:
            continue
        if task.progress == TaskProgress.NOT_STARTED and task.id not in with_history:
            db.session.delete(task)
            result.removed += 1
        else:
            result.kept_with_progress += 1
    db.session.flush()
    return result
