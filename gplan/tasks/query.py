"""One way to ask for tasks: what the viewer may see, filters, sections, counts, pages.

Every task list asks through :class:`TaskQuery` — the focal point's list, the coordinator's
lists and drill-downs, the overdue list, the API and the exports — so they agree on what a
filter means, how pages are counted, and that a focal point only ever gets its own body's
tasks, whatever the filters say. The query says what matches and how many; its pages are read
in ``gplan.tasks.list_pages``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, false, func, select

from gplan.accounts.access import visible_body_ids
from gplan.extensions import db
from gplan.models import Task, User
from gplan.models.plan import responsibility_activity, responsibility_objective
from gplan.models.tally import tally_sum
from gplan.models.task import status_expression
from gplan.paging import Page
from gplan.tasks import list_pages, statements
from gplan.tasks import search as task_search
from gplan.tasks.list_pages import BY_DEADLINE, ROWS, SectionedPage
from gplan.tasks.search import Search
from gplan.tasks.sections import ALL_SECTIONS, SECTIONS, section_case, tallied_counts
from gplan.tasks.statements import UNLINKED_CHOICES

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

    # ---- pages (gplan.tasks.list_pages) ------------------------------------------------

    def page(self, number: int, per_page: int, *, load: str = ROWS, total: int | None = None) -> Page[Any]:
        """One page of the matching tasks, earliest deadline first; ``total`` is their number
        when the caller knows it already (the overdue list reads it from the task tally)."""
        return list_pages.read_page(
            self, BY_DEADLINE, load, number, per_page, self.count() if total is None else total
        )

    def sectioned_page(self, number: int, per_page: int) -> SectionedPage:
        """One page of the focal point's list: overdue first, then due soon or open now, later,
        done (the most recently done first); three queries whatever the number of tasks."""
        return list_pages.sectioned_page(self, number, per_page)

    def all(self, *, load: str = ROWS) -> list[Task]:
        """Every matching task, earliest deadline first, for exports."""
        return list_pages.every_task(self, load)
