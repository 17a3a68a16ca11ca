"""Finding tasks across plans and bodies, for the API: filtered, scoped to the user, paged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from gplan.extensions import db
from gplan.models import Task, User
from gplan.models.task import status_expression


@dataclass
class TaskSearch:
    plan_id: int | None = None
    body_id: int | None = None
    year: int | None = None
    statuses: list[str] = field(default_factory=list)
    due_before: date | None = None
    due_after: date | None = None


@dataclass
class TaskPage:
    items: list[Task]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return (self.total + self.per_page - 1) // self.per_page


def visible_body_ids(user: User) -> set[int] | None:
    """The bodies whose tasks ``user`` may see; None means every body."""
    if user.sees_all_bodies:
        return None
    return {user.body_id} if user.is_focal_point and user.body_id else set()


def search_tasks(user: User, search: TaskSearch, today: date, page: int, per_page: int) -> TaskPage:
    """The tasks matching ``search`` that ``user`` may see, earliest deadline first.

    Status is the reporting status on ``today``; due_before/due_after bound the deadline (after
    any extension), both inclusive.
    """
    query = select(Task)
    allowed = visible_body_ids(user)
    if allowed is not None:
        query = query.where(Task.body_id.in_(allowed))
    if search.plan_id is not None:
        query = query.where(Task.plan_id == search.plan_id)
    if search.body_id is not None:
        query = query.where(Task.body_id == search.body_id)
    if search.year is not None:
        query = query.where(Task.year == search.year)
    if search.statuses:
        query = query.where(status_expression(today).in_(search.statuses))
    if search.due_before is not None:
        query = query.where(Task.deadline <= search.due_before)
    if search.due_after is not None:
        query = query.where(Task.deadline >= search.due_after)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.options(selectinload(Task.responsibility), selectinload(Task.body))
        .order_by(Task.deadline, Task.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return TaskPage(list(rows), page, per_page, total)
