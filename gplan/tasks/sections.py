"""The focal point's sections: which a task is in, how many each holds, one page of them.

A body's list shows its tasks section by section (overdue, due soon or open now, later, done,
and a retired body's closed ones).
Its counts come from the task tally (a few hundred rows a body, whatever its number of tasks),
set right by the two things the tally does not hold: windows open now (their start) and tasks
of earlier years done this year (their completion), both read from an index of the few such
tasks. Its page is read a section at a time, each from an index in the section's own order
(deadline for the open ones, completion for the done ones), so that a page reads what it shows
and not every task of the body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, false, func, literal, or_, select, union_all

from gplan.extensions import db
from gplan.models import Task
from gplan.models.tally import TaskBodyTally, TaskTally, on_tally
from gplan.models.task import FINISHED
from gplan.tasks.statements import limit_param
from gplan.tasks.vocabulary import TaskProgress

if TYPE_CHECKING:
    from gplan.tasks.query import TaskQuery

# The sections, in the order the list shows them. "Due soon" holds what is due within
# DUE_SOON_DAYS and the windows open now (the Action Month).
OVERDUE_SECTION, DUE_SOON_SECTION, LATER_SECTION, DONE_SECTION = "overdue", "due_soon", "later", "done"
# Closed when the body was retired: only a retired body has any, listed last.
CLOSED_SECTION = "closed"
SECTIONS = (OVERDUE_SECTION, DUE_SOON_SECTION, LATER_SECTION, DONE_SECTION, CLOSED_SECTION)
# Without a chosen year the list is "what matters now": these are counted, never listed.
LATER_YEARS, DONE_BEFORE = "later_years", "done_before"
ALL_SECTIONS = (*SECTIONS, LATER_YEARS, DONE_BEFORE)


def section_case(
    query: TaskQuery,
    out: dict[str, object],
    columns: Any = Task,
    *,
    completed_on: Any = None,
    starts_on: Any = None,
) -> Any:
    """The section of a row of ``columns`` (the task table, or a tally: ``progress``,
    ``deadline``, ``year``) as a CASE giving ``out[section]``. Without ``completed_on``, a task
    of an earlier year done this year counts as done before; without ``starts_on``, a window
    open now counts by its deadline (the tally's view: see :func:`tallied_counts`)."""
    today, done = query.bound("today"), columns.progress == TaskProgress.DONE
    open_now = columns.deadline <= query.bound("soon")
    if starts_on is not None:
        open_now = or_(open_now, and_(starts_on.is_not(None), starts_on <= today))
    branches = [(columns.progress == TaskProgress.CLOSED, out[CLOSED_SECTION])]
    if query.filters.year is None:
        recent = columns.year >= query.bound("this_year")
        if completed_on is not None:
            recent = or_(recent, completed_on.between(query.bound("year_start"), query.bound("year_end")))
        branches += [(and_(done, recent), out[DONE_SECTION]), (done, out[DONE_BEFORE])]
    branches += [
        (done, out[DONE_SECTION]),
        (columns.deadline < today, out[OVERDUE_SECTION]),
        (open_now, out[DUE_SOON_SECTION]),
    ]
    if query.filters.year is None:
        branches.append((columns.deadline > query.bound("year_end"), out[LATER_YEARS]))
    return case(*branches, else_=out[LATER_SECTION])


def tallied_counts(query: TaskQuery) -> dict[str, int] | None:
    """Tasks per section summed from the task tally and set right by the windows open now and
    the tasks of earlier years done this year (one statement); None when the filters name what
    no tally holds (a status, a search: count the tasks then)."""
    if query.filters.search is not None or query.filters.statuses:
        return None
    summed = query.built(("tallied",), lambda: _tallied(query))
    if summed is None:
        return None
    counts = dict.fromkeys(ALL_SECTIONS, 0)
    counts.update({key: int(tasks) for key, tasks in db.session.execute(summed, query.params).tuples()})
    return counts


def _tallied(query: TaskQuery) -> Any:
    """The statement of :func:`tallied_counts`, or None."""
    where = query.conditions(section=False)
    for model in (TaskBodyTally, TaskTally):
        try:
            on_model = [on_tally(condition, model) for condition in where]
        except KeyError:
            continue
        break
    else:
        return None
    names: dict[str, object] = {name: name for name in ALL_SECTIONS}
    parts = [
        select(section_case(query, names, model).label("key"), model.tasks.label("tasks")).where(*on_model)
    ]
    today, this_year = query.bound("today"), (query.bound("year_start"), query.bound("year_end"))
    # Windows open now, which the tally puts under "later" by their deadline (read by their
    # start: few tasks have one).
    windows = [
        *where,
        Task.progress.not_in(FINISHED),
        Task.starts_on.is_not(None),
        Task.starts_on <= today,
        Task.deadline > query.bound("soon"),
    ]
    later: Any = literal(LATER_SECTION)
    if query.filters.year is None:
        later = case((Task.deadline > this_year[1], LATER_YEARS), else_=LATER_SECTION)
    parts += _moved(windows, later, DUE_SOON_SECTION)
    if query.filters.year is None:
        # Tasks of earlier years done this year, which the tally puts under "done before" (read
        # by their completion; a completion date set is what the index's coalesce holds).
        late = [
            *where,
            Task.progress == TaskProgress.DONE,
            func.coalesce(Task.completed_on, Task.due_on).between(*this_year),
            Task.completed_on.between(*this_year),
            Task.year < query.bound("this_year"),
        ]
        parts += _moved(late, literal(DONE_BEFORE), DONE_SECTION)
    rows = union_all(*parts).subquery()
    return select(rows.c.key, func.sum(rows.c.tasks)).group_by(rows.c.key)


def _moved(where: list[Any], source: Any, to: str) -> list[Any]:
    """Rows for the tally's sum that move the tasks matching ``where`` from the section
    ``source`` names (an SQL expression) to the section ``to``; they are read once."""
    moved = select(source.label("key"), func.count().label("tasks")).where(*where).group_by(source).cte()
    return [select(literal(to).label("key"), moved.c.tasks), select(moved.c.key, -moved.c.tasks)]


def _within(query: TaskQuery, section: str) -> tuple[list[Any], list[Any]]:
    """``section`` as plain conditions on the columns (what :func:`section_case` says of it,
    spelled so that a planner can read it from an index and guess its size), and its order:
    the whole list's order, which within one section is this."""
    today, year_chosen = query.bound("today"), query.filters.year is not None
    this_year = (query.bound("year_start"), query.bound("year_end"))
    done = Task.progress == TaskProgress.DONE
    if section == CLOSED_SECTION:
        return [Task.progress == TaskProgress.CLOSED], [Task.deadline, Task.id]
    if section == DONE_SECTION:
        recent = (
            []
            if year_chosen
            else [or_(Task.year >= query.bound("this_year"), Task.completed_on.between(*this_year))]
        )
        return [done, *recent], [func.coalesce(Task.completed_on, Task.due_on).desc(), Task.id]
    soon = query.bound("soon")
    if section == OVERDUE_SECTION:
        where = [Task.deadline < today]
    elif section == DUE_SOON_SECTION:
        open_now = and_(Task.starts_on.is_not(None), Task.starts_on <= today)
        where = [Task.deadline >= today, or_(Task.deadline <= soon, open_now)]
    else:
        where = [Task.deadline > soon, or_(Task.starts_on.is_(None), Task.starts_on > today)]
        if not year_chosen:
            where.append(Task.deadline <= this_year[1])
    return [Task.progress.not_in(FINISHED), *where], [Task.deadline, Task.id]


def page_spans(counts: dict[str, int], listed: tuple[str, ...], limit: int, offset: int) -> dict[str, int]:
    """Which sections the tasks at ``offset`` to ``offset + limit`` of the sectioned list span
    (``counts`` holds their sizes): each section's LIMIT and OFFSET as the parameters
    ``lim_<section>`` and ``off_<section>``, in the list's order."""
    spans, start = {}, 0
    for section in listed:
        first, last = max(offset, start), min(offset + limit, start + counts[section])
        if first < last:
            spans[f"lim_{section}"], spans[f"off_{section}"] = last - first, first - start
        start += counts[section]
    return spans


def page_ids(query: TaskQuery, spans: tuple[str, ...]) -> Any:
    """The ids of a page of the sectioned list, read section by section as one subquery;
    ``spans`` names the parameters of :func:`page_spans`."""
    parts = []
    where = query.conditions(section=False)
    for name in spans[::2]:
        section = name.removeprefix("lim_")
        bounds, ordering = _within(query, section)
        read = (
            select(Task.id)
            .where(*where, *bounds)
            .order_by(*ordering)
            .limit(limit_param(f"lim_{section}"))
            .offset(limit_param(f"off_{section}"))
            .subquery()
        )
        parts.append(select(read.c.id))
    if not parts:
        return select(Task.id).where(false())
    return parts[0] if len(parts) == 1 else union_all(*parts)
