"""The task list's filter form, filled from the query string."""

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from gplan.blueprints.focal.forms import TaskFilterForm
from gplan.models import Body, Plan
from gplan.tasks.query import SECTIONS, TaskFilters


def task_filter_from_args(plan: Plan, body: Body, args: MultiDict) -> tuple[TaskFilterForm, TaskFilters]:
    form = TaskFilterForm(args, meta={"csrf": False})
    form.year.choices = [(0, gettext("Now (overdue, due soon, this year)"))] + [
        (y, str(y)) for y in plan.years
    ]
    form.objective.choices = [(0, gettext("All objectives"))] + [
        (o.id, gettext("Objective %(n)d", n=o.number)) for o in plan.objectives
    ]
    form.activity.choices = [(0, gettext("All activities"))] + [
        (a.id, f"{a.number}. {a.title[:60]}") for a in plan.activities
    ]
    filters = TaskFilters(plan_id=plan.id, body_id=body.id)
    if form.validate():
        filters.year = form.year.data or None
        filters.objective_id = form.objective.data or None
        filters.activity_id = form.activity.data or None
    if args.get("section") in SECTIONS:
        filters.section = args["section"]
    return form, filters
