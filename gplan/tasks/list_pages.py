"""Reading a task list a page at a time: in deadline order, or section by section for the focal
point's list, with what the list shows of each task (rows, cards or the history).

A page's ids are read first, then only their rows (gplan.tasks.rows): skipping to a far page
reads index entries, not tasks with their duties and bodies. :class:`~gplan.tasks.query.TaskQuery`
says what matches; this reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, selectinload

from gplan.extensions import db
from gplan.models import Responsibility, ResponsibilityBody, Task, TaskEvent
from gplan.paging import Page, fetch_page
from gplan.tasks import search as task_search
from gplan.tasks.rows import rows_statement, task_rows
from gplan.tasks.sections import ALL_SECTIONS, SECTIONS, page_ids, page_spans
from gplan.tasks.statements import limit_param
from gplan.tasks.vocabulary import TaskProgress

if TYPE_CHECKING:
    from gplan.tasks.query import TaskQuery

# How a list is ordered: by deadline (after any extension), or section by section.
BY_DEADLINE, BY_SECTION = "deadline", "section"
# What a list loads with its tasks: the duty and the body (one query), the duty's lead and
# coordinating bodies for the focal point's cards (one more), or the history (one more).
ROWS, CARDS, HISTORY = "rows", "cards", "history"


@dataclass
class SectionedPage:
    """A page of the focal point's list: its tasks by section, and every section's count."""

    page: Page[Task]
    counts: dict[str, int]
    listed: tuple[str, ...]
    tasks: dict[str, list[Task]] = field(default_factory=dict)

    def pages_of(self, section: str) -> tuple[int, int] | None:
        """The first and last page holding ``section``'s tasks; None when it has none listed."""
        if section not in self.listed or not self.counts[section]:
            return None
        start = sum(self.counts[s] for s in self.listed[: self.listed.index(section)])
        per_page = self.page.per_page
        return start // per_page + 1, (start + self.counts[section] - 1) // per_page + 1


def _where(query: TaskQuery, order: str, *, search: bool = True) -> list[Any]:
    where = query.conditions(search=search)
    if order == BY_SECTION:
        where.append(query.section_expression().in_(query.listed_sections()))
    return where


def _ordering(query: TaskQuery, order: str) -> list[Any]:
    if order == BY_DEADLINE:
        return [Task.deadline, Task.body_id, Task.id]  # what ix_task_plan_deadline holds
    names = ALL_SECTIONS
    done = Task.progress == TaskProgress.DONE
    return [
        query.section_expression({name: i for i, name in enumerate(names)}),
        case((~done, Task.deadline)),
        case((done, func.coalesce(Task.completed_on, Task.due_on))).desc(),
        Task.id,
    ]


def _rows(query: TaskQuery, order: str, load: str, where: list[Any]) -> Any:
    """The tasks (with their section in section order) and what ``load`` names."""
    columns = [Task, query.section_expression()] if order == BY_SECTION else [Task]
    duty = joinedload(Task.responsibility).load_only(
        Responsibility.id, Responsibility.ref, Responsibility.text, Responsibility.ad_hoc
    )
    if load == CARDS:
        options = [duty.selectinload(Responsibility.body_roles).joinedload(ResponsibilityBody.body)]
    elif load == HISTORY:
        options = [duty, selectinload(Task.events).joinedload(TaskEvent.user)]
    else:
        options = [duty, joinedload(Task.body)]
    return select(*columns).where(*where).order_by(*_ordering(query, order)).options(*options)


def _ids(query: TaskQuery, order: str, total: int) -> Any:
    """The ids of a page in ``order`` (LIMIT and OFFSET bound as ``lim`` and ``off``)."""
    where, ordering = _where(query, order), _ordering(query, order)
    matched = query.found()
    if matched is not None and total <= task_search.FEW:
        where, ordering = task_search.few(
            _where(query, order, search=False), matched, ordering, by_deadline=order == BY_DEADLINE
        )
    return (
        select(Task.id).where(*where).order_by(*ordering).limit(limit_param("lim")).offset(limit_param("off"))
    )


def read_page(
    query: TaskQuery,
    order: str,
    load: str,
    number: int,
    per_page: int,
    total: int,
    counts: dict[str, int] | None = None,
) -> Page[Any]:
    """Page ``number`` of ``query``'s tasks in ``order``, ``total`` of them in all; with the
    section ``counts``, read a section at a time."""

    # The page's ids first, then only their rows: skipping to a far page reads index
    # entries, not tasks with their duties and bodies.
    def fetch(limit: int, offset: int) -> Any:
        sectioned, params = order == BY_SECTION, dict(query.params)
        spans: dict[str, int] | None = None
        if counts is not None and query.filters.search is None:
            # A section at a time, from the section's own index (gplan.tasks.sections).
            spans = page_spans(counts, query.listed_sections(), limit, offset)
            params.update(spans)
        else:
            params.update(lim=limit, off=offset)

        def build() -> Any:
            ids = _ids(query, order, total) if spans is None else page_ids(query, tuple(spans))
            return rows_statement(
                ids, _ordering(query, order), query.section_expression() if sectioned else None
            )

        # A list reads plain rows (gplan.tasks.rows), not full tasks.
        statement = query.built(("page", order, *(spans or ())), build)
        return task_rows(
            statement,
            params,
            sectioned=sectioned,
            with_duty_bodies=load == CARDS,
            with_history=load == HISTORY,
        )

    return fetch_page(fetch, number, per_page, total)


def sectioned_page(query: TaskQuery, number: int, per_page: int) -> SectionedPage:
    """One page of the focal point's list, its tasks by section (see ``TaskQuery.sectioned_page``)."""
    counts = query.section_counts()
    listed = query.listed_sections()
    rows = read_page(query, BY_SECTION, CARDS, number, per_page, sum(counts[s] for s in listed), counts)
    page = Page([task for task, _section in rows.items], rows.page, rows.per_page, rows.total)
    result = SectionedPage(page, counts, listed, {name: [] for name in SECTIONS})
    for task, section in rows.items:
        result.tasks[section].append(task)
    return result


def every_task(query: TaskQuery, load: str) -> list[Task]:
    """Every task ``query`` matches, earliest deadline first (see ``TaskQuery.all``)."""
    return list(db.session.scalars(_rows(query, BY_DEADLINE, load, _where(query, BY_DEADLINE)), query.params))
