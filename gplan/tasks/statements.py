"""The task lists' statements, built once per filter shape and executed with bound values.

A list page asks three or four statements of some depth (the section counts summed from the
tally, a page of ids read section by section, the rows). Building them as SQLAlchemy
expressions and working out their cache key cost more than running them on a small plan, and
they only differ from one request to the next in their values (the body, the year, today...).
So :class:`gplan.tasks.query.TaskQuery` writes every value as a named :func:`bound` parameter,
builds a statement once per *shape* (which filters are present, not their values: see
``TaskQuery.shape``) and executes it with ``TaskQuery.params``, which holds every name. SQLAlchemy keeps a
statement's cache key with the statement, so a statement built once is keyed once too.

The SQL is the same as when it was built per request (values are bound parameters either
way), so the databases plan it as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import BindParameter, Date, Integer, String, bindparam
from sqlalchemy.types import TypeEngine

from gplan.models.types import Vocabulary
from gplan.tasks.vocabulary import TaskStatus

if TYPE_CHECKING:
    from gplan.tasks.query import TaskFilters

T = TypeVar("T")
UNLINKED_CHOICES = ("objective", "activity")

# Every value a list's statements bind, with its type; the expanding ones are lists.
_TYPES: dict[str, TypeEngine[Any]] = {
    "f_allowed": Integer(),
    "f_plan": Integer(),
    "f_body": Integer(),
    "f_year": Integer(),
    "f_responsibility": Integer(),
    "f_objective": Integer(),
    "f_activity": Integer(),
    "f_due_after": Date(),
    "f_due_before": Date(),
    "f_statuses": Vocabulary(TaskStatus),
    "f_section": String(),
    "today": Date(),
    "soon": Date(),
    "year_start": Date(),
    "year_end": Date(),
    "this_year": Integer(),
}
_EXPANDING = {"f_allowed", "f_statuses"}

# At most this many statements are kept: the filter shapes in use are a few dozen.
LIMIT = 1000
_BUILT: dict[tuple[object, ...], Any] = {}


def bound(name: str, value: Any) -> BindParameter[Any]:
    """The parameter ``name`` (one of ``_TYPES``) with ``value``: the value a statement built
    for one query runs with, unless given another when it runs (as every list does)."""
    return bindparam(name, value, type_=_TYPES[name], expanding=name in _EXPANDING)


def limit_param(name: str) -> BindParameter[int]:
    """A page's LIMIT or OFFSET as a parameter, so that a page's statement serves every page."""
    return bindparam(name, type_=Integer())


def params_of(
    filters: TaskFilters, allowed: list[int] | None, today: date, due_soon_days: int
) -> dict[str, Any]:
    """The value of every parameter a list's statements name: the filters', the bodies the
    viewer may see (``allowed``; None for all) and the days the sections are told by."""
    f = filters
    return {
        "f_allowed": allowed,
        "f_plan": f.plan_id,
        "f_body": f.body_id,
        "f_year": f.year,
        "f_responsibility": f.responsibility_id,
        "f_objective": f.objective_id,
        "f_activity": f.activity_id,
        "f_due_after": f.due_after,
        "f_due_before": f.due_before,
        "f_statuses": list(f.statuses),
        "f_section": f.section,
        **day_params(today, due_soon_days),
    }


def shape_of(filters: TaskFilters, allowed: list[int] | None) -> tuple[object, ...] | None:
    """What a list's SQL depends on: which filters are present, not their values (the section
    and the unlinked choice, which pick conditions, by value). None for a search, whose
    statements name the ids found in the index: they are built for it alone."""
    f = filters
    if f.search is not None:
        return None
    return (
        allowed is None,
        *(value is None for value in (f.plan_id, f.body_id, f.year, f.responsibility_id)),
        *(value is None for value in (f.objective_id, f.activity_id, f.due_after, f.due_before)),
        f.unlinked if f.unlinked in UNLINKED_CHOICES else None,
        bool(f.statuses),
        f.section,
    )


def day_params(today: date, due_soon_days: int) -> dict[str, Any]:
    """The values of the days the sections are told by."""
    return {
        "today": today,
        "soon": today + timedelta(days=due_soon_days),
        "year_start": date(today.year, 1, 1),
        "year_end": date(today.year, 12, 31),
        "this_year": today.year,
    }


def built(key: tuple[object, ...], build: Callable[[], T]) -> T:
    """What ``build`` makes for ``key``, made once."""
    try:
        return _BUILT[key]  # type: ignore[no-any-return]
    except KeyError:
        pass
    if len(_BUILT) >= LIMIT:
        _BUILT.clear()
    made = _BUILT[key] = build()
    return made
