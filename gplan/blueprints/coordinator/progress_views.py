"""Progress at a glance: overview per body, heatmaps, the overdue list and the drill-downs."""

from flask import abort, render_template, request
from flask_login import current_user

from gplan.accounts.access import visible_body_ids
from gplan.blueprints.coordinator import bp
from gplan.blueprints.coordinator.args import (
    THEMES,
    chosen_search,
    chosen_sort,
    chosen_task_filters,
    chosen_year,
    coordinator_pages,
)
from gplan.extensions import db
from gplan.models import Activity, Body, Objective, Responsibility
from gplan.models.lookup import by_id
from gplan.paging import requested_page
from gplan.plans.queries import get_plan_or_404
from gplan.reporting import duties, matrices
from gplan.reporting import overview as per_body
from gplan.reporting.status_counts import status_totals
from gplan.tasks import lists as task_lists
from gplan.tasks.list_pages import HISTORY
from gplan.tasks.query import TaskFilters, TaskQuery
from gplan.tasks.vocabulary import TaskStatus
from gplan.templating import locale_code
from gplan.timeutil import local_today


@bp.route("/p/<int:plan_id>/progress")
@coordinator_pages
def overview(plan_id: int):
    plan = get_plan_or_404(plan_id)
    year, (sort, descending), today = (
        chosen_year(plan, this_year_by_default=True),
        chosen_sort(),
        local_today(),
    )
    data = per_body.overview(plan, today, year)
    rows = per_body.sort_rows(data.rows, sort, descending, locale_code())
    return render_template(
        "coordinator/overview.html",
        plan=plan,
        year=year,
        overview=data,
        split=duties.split_requested(plan, data, rows),
        unowned=duties.unowned_duties(plan),
        sort=sort,
        descending=descending,
        today=today,
    )


@bp.route("/p/<int:plan_id>/progress/years")
@coordinator_pages
def years(plan_id: int):
    plan = get_plan_or_404(plan_id)
    today = local_today()
    matrix = matrices.year_matrix(plan, today)
    return render_template("coordinator/years.html", plan=plan, matrix=matrix, today=today)


@bp.route("/p/<int:plan_id>/progress/objective", defaults={"by": "objective"})
@bp.route("/p/<int:plan_id>/progress/activity", defaults={"by": "activity"})
@coordinator_pages
def themes(plan_id: int, by: str):
    plan = get_plan_or_404(plan_id)
    year, today = chosen_year(plan, this_year_by_default=True), local_today()
    return render_template(
        "coordinator/themes.html",
        plan=plan,
        by=by,
        by_label=THEMES[by],
        year=year,
        matrix=matrices.theme_matrix(plan, today, by, year),
        titles=matrices.theme_titles(plan, by),
        today=today,
    )


@bp.route("/p/<int:plan_id>/progress/tasks")
@coordinator_pages
def tasks(plan_id: int):
    plan = get_plan_or_404(plan_id)
    filters, today = chosen_task_filters(plan), local_today()
    return render_template(
        "coordinator/tasks.html",
        plan=plan,
        query=filters,
        page=TaskQuery(current_user, filters, today).page(*requested_page(request.args)),
        bodies=per_body.ordered_bodies(plan, [filters.body_id] if filters.body_id else []),
        responsibility=db.session.get(Responsibility, filters.responsibility_id)
        if filters.responsibility_id
        else None,
        today=today,
    )


@bp.route("/p/<int:plan_id>/progress/overdue")
@coordinator_pages
def overdue(plan_id: int):
    plan = get_plan_or_404(plan_id)
    year, today = chosen_year(plan), local_today()
    search = chosen_search()
    overdue = TaskFilters(plan_id=plan.id, year=year, statuses=(TaskStatus.OVERDUE,), search=search)
    # Without a search the number is the tally's; with one, the query counts what it finds.
    total = None if search else status_totals(plan, today, year, visible_body_ids(current_user)).overdue
    page = TaskQuery(current_user, overdue, today).page(*requested_page(request.args), total=total)
    contacts = task_lists.body_contacts({task.body_id for task in page.items})
    return render_template(
        "coordinator/overdue.html",
        plan=plan,
        year=year,
        page=page,
        contacts=contacts,
        today=today,
        search=search,
    )


@bp.route("/p/<int:plan_id>/progress/bodies/<int:body_id>")
@coordinator_pages
def body(plan_id: int, body_id: int):
    plan = get_plan_or_404(plan_id)
    body = by_id(Body, body_id) or abort(404)
    year, today = chosen_year(plan), local_today()
    by_year = matrices.body_years(plan, body, today)
    if not by_year and body not in per_body.ordered_bodies(plan, ()):
        abort(404)
    search = chosen_search()
    query = TaskQuery(
        current_user, TaskFilters(plan_id=plan.id, body_id=body.id, year=year, search=search), today
    )
    return render_template(
        "coordinator/body.html",
        plan=plan,
        body=body,
        year=year,
        by_year=by_year,
        page=query.page(*requested_page(request.args), load=HISTORY),
        contacts=task_lists.body_contacts({body.id}),
        today=today,
        search=search,
    )


@bp.route("/p/<int:plan_id>/progress/objective/<int:theme_id>", defaults={"by": "objective"})
@bp.route("/p/<int:plan_id>/progress/activity/<int:theme_id>", defaults={"by": "activity"})
@coordinator_pages
def theme(plan_id: int, by: str, theme_id: int):
    plan = get_plan_or_404(plan_id)
    theme = db.session.get(Objective, theme_id) if by == "objective" else db.session.get(Activity, theme_id)
    if theme is None or theme.plan_id != plan.id:
        abort(404)
    year, today = chosen_year(plan, this_year_by_default=True), local_today()
    return render_template(
        "coordinator/theme.html",
        plan=plan,
        by=by,
        theme=theme,
        year=year,
        progress=matrices.theme_progress(plan, today, by, theme.id, year),
        today=today,
    )
