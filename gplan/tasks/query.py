"""One way to ask for tasks: what the viewer may see, filters, sections, order, pages, counts.

Every task list asks through :class:`TaskQuery` — the focal point's list, the coordinator's
lists and drill-downs, the overdue list, the API and the exports — so they agree on what a
filter means, how pages are counted, and that a focal point only ever gets its own body's
tasks, whatever the filters say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, case, false, func, select
from sqlalchemy.orm import joinedload, selectinload

from gplan.accounts.access import visible_body_ids
from gplan.extensions import db
from gplan.models import Responsibility, ResponsibilityBody, Task, TaskEvent, User
from gplan.models.plan import responsibility_activity, responsibility_objective
from gplan.models.tally import tally_sum
from gplan.models.task import status_expression
from gplan.paging import Page, fetch_page
from gplan.tasks import search as task_search
from gplan.tasks import statements
from gplan.tasks.rows import rows_statement, task_rows
from gplan.tasks.search import Search
from gplan.tasks.sections import ALL_SECTIONS, SECTIONS, page_ids, page_spans, section_case, tallied_counts
from gplan.tasks.statements import UNLINKED_CHOICES, limit_param
from gplan.tasks.vocabulary import TaskProgress

# How a list is ordered: by deadline (after any extension), or section by section.
BY_DEADLINE, BY_SECTION = "deadline", "section"
# What a list loads with its tasks: the duty and the body (one query), the duty's lead and
# coordinating bodies for the focal point's cards (one more), or the history (one more).
ROWS, CARDS, HISTORY = "rows", "cards", "history"
T = TypeVar("T")


@dataclass
class TaskFilters:
    """What a list is narrowed to, as the address gives it; every field is optional."""

    plan_id: int | None = None
    body_id: int | None = None
    year: int | None = None
    statuses: tuple[str, ...] = ()
    objective_id: int | None = None
    activity_id: int | None = None
    responsibility_id: int | None = None
    unlinked: str | None = None  # "objective" or "activity": duties serving none of them
    due_after: date | None = None  # inclusive, on the deadline after any extension
    due_before: date | None = None
    section: str | None = None
    search: Search | None = None  # words to find (gplan.tasks.search)

    def as_args(self) -> dict[str, object]:
        """The filters under the address's names, for links that keep them (the plan is in
        the path)."""
        args = {
            "body": self.body_id,
            "year": self.year,
            "status": list(self.statuses) or None,
            "objective": self.objective_id,
            "activity": self.activity_id,
            "responsibility": self.responsibility_id,
            "unlinked": self.unlinked,
            "due_after": self.due_after.isoformat() if self.due_after else None,
            "due_before": self.due_before.isoformat() if self.due_before else None,
            "section": self.section,
            "q": self.search.text if self.search else None,
        }
        return {name: value for name, value in args.items() if value is not None}


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


class TaskQuery:
    """The tasks ``viewer`` may see that match ``filters``, with statuses and sections as
    they stand on ``today``."""

    def __init__(self, viewer: User, filters: TaskFilters, today: date, due_soon_days: int = 14):
        self.viewer = viewer
        self.filters = filters
        self.today = today
        self.due_soon_days = due_soon_days
        self._found: task_search.Matches | None = None
        # A sectioned page names the section in its count, its ids, its rows and its order:
        # built once per query, not once per use.
        self._sections: dict[tuple[object, ...], Any] = {}
        allowed = visible_body_ids(viewer)
        self._allowed = None if allowed is None else sorted(allowed)
        # What every statement of the query runs with, and what their SQL depends on (which
        # filters are present, not their values; None for a search): gplan.tasks.statements.
        self.params = statements.params_of(filters, self._allowed, today, due_soon_days)
        self.shape = statements.shape_of(filters, self._allowed)

    def bound(self, name: str) -> Any:
        """The parameter ``name`` of :attr:`params`, as SQL."""
        return statements.bound(name, self.params[name])

    def built(self, kind: tuple[object, ...], build: Callable[[], T]) -> T:
        """What ``build`` makes (a statement, or anything made of this query's conditions),
        built once per ``kind`` and filter shape for every later query (see
        gplan.tasks.statements), or afresh for a search."""
        if self.shape is None:
            return build()
        return statements.built((*kind, *self.shape), build)

    # ---- what matches ------------------------------------------------------------------

    def conditions(self, *, section: bool = True, search: bool = True, statuses: bool = True) -> list[Any]:
        """The WHERE clauses: the viewer's scope first, then every filter."""
        f = self.filters
        where: list[ColumnElement[bool]] = []
        if self._allowed is not None:
            where.append(Task.body_id.in_(self.bound("f_allowed")))
        for column, value, name in (
            (Task.plan_id, f.plan_id, "f_plan"),
            (Task.body_id, f.body_id, "f_body"),
            (Task.year, f.year, "f_year"),
            (Task.responsibility_id, f.responsibility_id, "f_responsibility"),
        ):
            if value is not None:
                where.append(column == self.bound(name))
        for theme, value, name in (
            (responsibility_objective.c.objective_id, f.objective_id, "f_objective"),
            (responsibility_activity.c.activity_id, f.activity_id, "f_activity"),
        ):
            if value is not None:
                serving = select(theme.table.c.responsibility_id).where(theme == self.bound(name))
                where.append(Task.responsibility_id.in_(serving))
        if f.unlinked in UNLINKED_CHOICES:
            link = responsibility_objective if f.unlinked == "objective" else responsibility_activity
            where.append(Task.responsibility_id.not_in(select(link.c.responsibility_id)))
        if f.due_after is not None:
            where.append(Task.deadline >= self.bound("f_due_after"))
        if f.due_before is not None:
            where.append(Task.deadline <= self.bound("f_due_before"))
        if statuses and f.statuses:
            where.append(status_expression(self.bound("today")).in_(self.bound("f_statuses")))
        if section and f.section is not None:
            where.append(self.section_expression() == self.bound("f_section"))
        if search and f.search is not None:
            found = self.found()
            where.append(found.anywhere() if found else false())
        return where

    def found(self) -> task_search.Matches | None:
        """What the search matches, asked of the index once per query; None when it cannot
        match anything."""
        search = self.filters.search
        if search is None or search.problem or not search.words:
            return None
        if self._found is None:
            self._found = task_search.matches(search)
        return self._found

    def section_expression(self, outputs: dict[str, object] | None = None) -> Any:
        """The SQL for a task's section (or, with ``outputs``, a value per section)."""
        out = outputs or {name: name for name in ALL_SECTIONS}
        key = tuple(out.items())
        if key not in self._sections:
            self._sections[key] = section_case(
                self, out, completed_on=Task.completed_on, starts_on=Task.starts_on
            )
        return self._sections[key]

    def listed_sections(self) -> tuple[str, ...]:
        if self.filters.section in SECTIONS:
            return (self.filters.section,)
        return SECTIONS

    # ---- counts ------------------------------------------------------------------------

    def count(self) -> int:
        """How many tasks match: from the task tally when the filters name only what it holds
        (plan, body, year, duty, objective, activity), else by counting the tasks."""
        if self.filters.search is not None and (found := self.found()) is not None:
            where = self.conditions(search=False, statuses=False)
            counted = task_search.count(where, found, self.filters.statuses, self.today, self.params)
            if counted is not None:
                return counted
        return db.session.scalar(self.built(("count",), self._count_statement), self.params) or 0

    def _count_statement(self) -> Any:
        where = self.conditions()
        tallied = tally_sum(where)
        return tallied if tallied is not None else select(func.count()).select_from(Task).where(*where)

    def _grouped(self) -> Any:
        # Grouped by name through a subquery: PostgreSQL cannot match a GROUP BY expression
        # whose date parameters are bound twice.
        rows = (
            select(self.section_expression().label("key")).where(*self.conditions(section=False)).subquery()
        )
        return select(rows.c.key, func.count()).group_by(rows.c.key)

    def section_counts(self) -> dict[str, int]:
        """Tasks per section, the counted-only ones too, whatever section is chosen: from the
        task tally when the filters allow, else with one GROUP BY over the tasks."""
        tallied = tallied_counts(self)
        if tallied is not None:
            return tallied
        counts = dict.fromkeys(ALL_SECTIONS, 0)
        grouped = self.built(("grouped",), self._grouped)
        counts.update(db.session.execute(grouped, self.params).tuples().all())
        return counts

    # ---- rows --------------------------------------------------------------------------

    def _where(self, order: str, *, search: bool = True) -> list[Any]:
        where = self.conditions(search=search)
        if order == BY_SECTION:
            where.append(self.section_expression().in_(self.listed_sections()))
        return where

    def _ordering(self, order: str) -> list[Any]:
        if order == BY_DEADLINE:
            return [Task.deadline, Task.body_id, Task.id]  # what ix_task_plan_deadline holds
        names = ALL_SECTIONS
        done = Task.progress == TaskProgress.DONE
        return [
            self.section_expression({name: i for i, name in enumerate(names)}),
            case((~done, Task.deadline)),
            case((done, func.coalesce(Task.completed_on, Task.due_on))).desc(),
            Task.id,
        ]

    def _rows(self, order: str, load: str, where: list[Any]) -> Any:
        """The tasks (with their section in section order) and what ``load`` names."""
        columns = [Task, self.section_expression()] if order == BY_SECTION else [Task]
        duty = joinedload(Task.responsibility).load_only(
            Responsibility.id, Responsibility.ref, Responsibility.text, Responsibility.ad_hoc
        )
        if load == CARDS:
            options = [duty.selectinload(Responsibility.body_roles).joinedload(ResponsibilityBody.body)]
        elif load == HISTORY:
            options = [duty, selectinload(Task.events).joinedload(TaskEvent.user)]
        else:
            options = [duty, joinedload(Task.body)]
        return select(*columns).where(*where).order_by(*self._ordering(order)).options(*options)

    def _ids(self, order: str, total: int) -> Any:
        """The ids of a page in ``order`` (LIMIT and OFFSET bound as ``lim`` and ``off``)."""
        where, ordering = self._where(order), self._ordering(order)
        matched = self.found()
        if matched is not None and total <= task_search.FEW:
            where, ordering = task_search.few(
                self._where(order, search=False), matched, ordering, by_deadline=order == BY_DEADLINE
            )
        return (
            select(Task.id)
            .where(*where)
            .order_by(*ordering)
            .limit(limit_param("lim"))
            .offset(limit_param("off"))
        )

    def _page(
        self,
        order: str,
        load: str,
        number: int,
        per_page: int,
        total: int,
        counts: dict[str, int] | None = None,
    ) -> Page[Any]:
        # The page's ids first, then only their rows: skipping to a far page reads index
        # entries, not tasks with their duties and bodies.
        def fetch(limit: int, offset: int) -> Any:
            sectioned, params = order == BY_SECTION, dict(self.params)
            spans: dict[str, int] | None = None
            if counts is not None and self.filters.search is None:
                # A section at a time, from the section's own index (gplan.tasks.sections).
                spans = page_spans(counts, self.listed_sections(), limit, offset)
                params.update(spans)
            else:
                params.update(lim=limit, off=offset)

            def build() -> Any:
                ids = self._ids(order, total) if spans is None else page_ids(self, tuple(spans))
                return rows_statement(
                    ids, self._ordering(order), self.section_expression() if sectioned else None
                )

            # A list reads plain rows (gplan.tasks.rows), not full tasks.
            statement = self.built(("page", order, *(spans or ())), build)
            return task_rows(
                statement,
                params,
                sectioned=sectioned,
                with_duty_bodies=load == CARDS,
                with_history=load == HISTORY,
            )

        return fetch_page(fetch, number, per_page, total)

    def page(self, number: int, per_page: int, *, load: str = ROWS, total: int | None = None) -> Page[Any]:
        """One page of the matching tasks, earliest deadline first; ``total`` is their number
        when the caller knows it already (the overdue list reads it from the task tally)."""
        return self._page(BY_DEADLINE, load, number, per_page, self.count() if total is None else total)

    def sectioned_page(self, number: int, per_page: int) -> SectionedPage:
        """One page of the focal point's list: overdue first, then due soon or open now, later,
        done (the most recently done first); three queries whatever the number of tasks."""
        counts = self.section_counts()
        listed = self.listed_sections()
        rows = self._page(BY_SECTION, CARDS, number, per_page, sum(counts[s] for s in listed), counts)
        page = Page([task for task, _section in rows.items], rows.page, rows.per_page, rows.total)
        result = SectionedPage(page, counts, listed, {name: [] for name in SECTIONS})
        for task, section in rows.items:
            result.tasks[section].append(task)
        return result

    def all(self, *, load: str = ROWS) -> list[Task]:
        """Every matching task, earliest deadline first, for exports."""
        return list(db.session.scalars(self._rows(BY_DEADLINE, load, self._where(BY_DEADLINE)), self.params))
