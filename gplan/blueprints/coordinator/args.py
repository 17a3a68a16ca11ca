"""Reading the coordinator pages' query strings: unknown values give a 404, never a 500."""

from __future__ import annotations

from flask import abort, request
from flask_babel import lazy_gettext as _l

from gplan.accounts.vocabulary import Role
from gplan.blueprints.decorators import roles_required
from gplan.extensions import db
from gplan.models import Activity, Body, Objective, Plan, Responsibility
from gplan.reporting.overview import SORT_KEYS
from gplan.tasks import search as task_search
from gplan.tasks.query import TaskFilters
from gplan.tasks.vocabulary import TaskStatus
from gplan.timeutil import local_today

# Who sees the coordinator's pages: everyone who sees all bodies (the observer read-only).
coordinator_pages = roles_required(Role.ADMIN, Role.COORDINATOR, Role.OBSERVER)

THEMES = {"objective": _l("By objective"), "activity": _l("By activity")}


def chosen_year(plan: Plan, *, this_year_by_default: bool = False) -> int | None:
    """The year in the query string, or None for the whole period (``year=0``).

    With ``this_year_by_default``, a page opened without a year shows this year while the
    plan's period holds it: early in a period, the whole period is mostly tasks not yet due.
    """
    if this_year_by_default and not request.args.get("year"):
        this_year = local_today().year
        return this_year if this_year in plan.years else None
    year = request.args.get("year", type=int)
    if not year:
        return None
    if year not in plan.years:
        abort(404)
    return year


def chosen_search() -> task_search.Search | None:
    """The words searched for (``q``); what cannot be searched for is said on the page."""
    return task_search.parse(request.args.get("q"))


def chosen_sort() -> tuple[str, bool]:
    """The overview's sort column and direction; by default the late bodies first."""
    key = request.args.get("sort", "late")
    if key not in SORT_KEYS:
        abort(404)
    return key, request.args.get("dir", "desc") != "asc"


def _owned(model, plan: Plan, value: int | None):
    if not value:
        return None
    record = db.session.get(model, value)
    if record is None or getattr(record, "plan_id", plan.id) != plan.id:
        abort(404)
    return record


def chosen_task_filters(plan: Plan) -> TaskFilters:
    """The task list's filters; a body, objective, activity or duty from another plan, or an
    unknown status, is a 404."""
    args = request.args
    statuses = tuple(status for status in args.getlist("status") if status)
    if any(TaskStatus.get(status) is None for status in statuses):
        abort(404)
    unlinked = args.get("unlinked") or None
    if unlinked is not None and unlinked not in THEMES:
        abort(404)
    filters = TaskFilters(
        plan_id=plan.id, year=chosen_year(plan), statuses=statuses, unlinked=unlinked, search=chosen_search()
    )
    body = _owned(Body, plan, args.get("body", type=int))
    filters.body_id = body.id if body else None
    for name, model in (("objective", Objective), ("activity", Activity), ("responsibility", Responsibility)):
        record = _owned(model, plan, args.get(name, type=int))
        setattr(filters, f"{name}_id", record.id if record else None)
    return filters
